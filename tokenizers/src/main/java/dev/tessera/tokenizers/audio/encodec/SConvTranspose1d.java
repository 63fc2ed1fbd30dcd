package dev.tessera.tokenizers.audio.encodec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * EnCodec's {@code SConvTranspose1d}: a (folded weight-norm) {@code ConvTranspose1d} with bias,
 * giving (T−1)·S + K samples, of which K − S are trimmed: causal takes ceil((K−S)·trim_right_ratio)
 * from the right and the rest from the left; non-causal takes the floor half from the right.
 *
 * <p>DJL's PyTorch engine has no transposed convolution, so it is computed as PyTorch's CPU kernel
 * does (GEMM, then col2im): every input frame contributes W[:, :, k]ᵀ·x to output sample t·S + k.
 * The kernel is zero-extended to a multiple of S, so the contributions split into ⌈K/S⌉ shifted
 * [out, S, T] blocks that are summed (overlap-add) and interleaved. A batch [B, in, T] (training)
 * runs as one GEMM over all B·T frames.
 */
final class SConvTranspose1d implements Layer {

    private final NDArray columns;   // [out · K', in]: W (in, out, K') transposed, K' = ceil(K/S)·S
    private final NDArray bias;      // [1, out, 1]
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int blocks;        // K' / S
    private final int trimLeft;
    private final int trimRight;

    SConvTranspose1d(EncodecWeights weights, NDManager manager, String prefix, int in, int out, int kernel,
                     int stride, EncodecConfig config) {
        if (kernel < stride) {
            throw weights.problem(prefix + ": kernel " + kernel + " is shorter than stride " + stride);
        }
        this.blocks = (kernel + stride - 1) / stride;
        int padded = blocks * stride;
        if (weights.trainable()) {
            // The same permutation as NDArray ops, so that gradients pass to the (weight-normalised) weight.
            NDArray w = weights.convWeightArray(prefix, in, out, kernel);   // [in, out, K]
            NDArray extended = padded > kernel ? w.pad(new Shape(0, padded - kernel), 0) : w;
            this.columns = extended.transpose(1, 2, 0).reshape((long) out * padded, in);
        } else {
            float[] w = weights.convWeight(prefix, in, out, kernel);   // [in, out, K]
            float[] cols = new float[out * padded * in];
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    for (int k = 0; k < kernel; k++) {
                        cols[(o * padded + k) * in + i] = w[(i * out + o) * kernel + k];
                    }
                }
            }
            this.columns = manager.create(cols, new Shape((long) out * padded, in));
        }
        this.bias = weights.array(prefix + ".bias", out).reshape(1, out, 1);
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        int total = kernel - stride;
        if (config.useCausalConv()) {
            this.trimRight = (int) Math.ceil(total * config.trimRightRatio());
        } else {
            this.trimRight = total / 2;
        }
        this.trimLeft = total - trimRight;
    }

    int trimLeft() {
        return trimLeft;
    }

    @Override
    public NDArray apply(NDArray x) {
        long batch = x.getShape().get(0);
        long frames = x.getShape().get(2);
        long full = (frames + blocks - 1) * stride;
        NDArray y;
        if (batch == 1) {
            // [out·K', in] × [in, T] → [out, blocks, S, T]
            NDArray z = columns.matMul(x.get(0)).reshape(out, blocks, stride, frames);
            NDArray sum = null;
            for (int b = 0; b < blocks; b++) {
                NDArray part = z.get(":, " + b).pad(new Shape(b, blocks - 1 - b), 0);   // [out, S, T + blocks − 1]
                sum = sum == null ? part : sum.add(part);
            }
            y = sum.transpose(0, 2, 1).reshape(1, out, full);
        } else {
            // A batch as one GEMM over all B·T frames: [out·K', in] × [in, B·T] → [out, blocks, S, B, T]
            NDArray z = columns.matMul(x.transpose(1, 0, 2).reshape(in, batch * frames))
                    .reshape(out, blocks, stride, batch, frames);
            NDArray sum = null;
            for (int b = 0; b < blocks; b++) {
                NDArray part = z.get(":, " + b).pad(new Shape(b, blocks - 1 - b), 0);   // [out, S, B, T + blocks − 1]
                sum = sum == null ? part : sum.add(part);
            }
            y = sum.transpose(2, 0, 3, 1).reshape(batch, out, full);
        }
        long length = (frames - 1) * stride + kernel;
        return y.get(":, :, " + trimLeft + ":" + (length - trimRight)).add(bias);
    }

    @Override
    public int lookback(int outputLookback) {
        return Math.floorDiv(outputLookback + kernel - 1 - trimLeft, stride);
    }

    @Override
    public int upsample() {
        return stride;
    }
}
