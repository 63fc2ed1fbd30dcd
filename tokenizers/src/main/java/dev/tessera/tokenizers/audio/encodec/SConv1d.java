package dev.tessera.tokenizers.audio.encodec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.tokenizers.nn.Convolution;

/**
 * EnCodec's {@code SConv1d} ({@code EncodecConv1d}): a (folded weight-norm) {@code Conv1d} with
 * bias behind the official padding. Effective kernel Ke = (K−1)·d + 1; total padding Ke − S;
 * {@code extra_padding} = ceil(L/S)·S − L on the right so the last partial window still yields a
 * frame; causal puts all of Ke − S on the left, non-causal splits it (right gets the floor half).
 */
final class SConv1d implements Layer {

    private final NDArray weight;   // [out, in, K]
    private final NDArray bias;     // [out]
    private final int kernel;
    private final int stride;
    private final int dilation;
    private final boolean causal;
    private final boolean reflect;

    SConv1d(EncodecWeights weights, NDManager manager, String prefix, int in, int out, int kernel, int stride,
            int dilation, EncodecConfig config) {
        this.weight = weights.convWeightArray(prefix, out, in, kernel);
        this.bias = weights.array(prefix + ".bias", out);
        this.kernel = kernel;
        this.stride = stride;
        this.dilation = dilation;
        this.causal = config.useCausalConv();
        this.reflect = config.reflectPadding();
        if (paddingTotal() < 0) {
            throw weights.problem(prefix + ": kernel " + kernel + " is shorter than stride " + stride);
        }
    }

    private int paddingTotal() {
        return (kernel - 1) * dilation + 1 - stride;
    }

    @Override
    public NDArray apply(NDArray x) {
        long length = x.getShape().get(2);
        int paddingTotal = paddingTotal();
        int extra = (int) ((length + stride - 1) / stride * stride - length);
        NDArray padded;
        if (causal) {
            padded = Pad.pad1d(x, paddingTotal, extra, reflect);
        } else {
            int right = paddingTotal / 2;
            padded = Pad.pad1d(x, paddingTotal - right, right + extra, reflect);
        }
        return Convolution.conv1d(padded, weight, bias, stride, dilation);
    }

    @Override
    public int lookback(int outputLookback) {
        return outputLookback * stride + paddingTotal();
    }

    @Override
    public int minInputSteps() {
        return reflect ? Math.max(paddingTotal(), stride - 1) + 1 : 1;
    }

    @Override
    public int downsample() {
        return stride;
    }
}
