package dev.tessera.tokenizers.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Convolutions for every layer of the tokenizers, in one of two forms chosen per call.
 *
 * <p>Inference, and any call on a GPU, runs the engine's own convolution (oneDNN on a CPU, cuDNN
 * on CUDA). While autograd records on a CPU — a trainer's step — the convolution is computed
 * unfolded instead: the input's strided slices, one per kernel tap, stacked into columns and
 * multiplied by the weight as one matmul. Its backward is matmuls and slice copies only.
 *
 * <p>Why: libtorch 2.7.1 calls oneDNN 3.7.1, whose AVX-512 {@code backward_data} kernel
 * ({@code jit:avx512_core}) reads memory it never wrote when the output channels are not a multiple
 * of 16 (they are padded to the 16-float vector): the input gradient of the same call differed from
 * call to call and held NaN/Inf in 1–5 % of calls (e.g. 16 → 8 channels, kernel 3, batch 4), while
 * the forward result and the weight gradient stayed exact. On AVX2 (8-float blocks) the same shapes
 * are exact. One such NaN poisoned every encoder weight of an EnCodec step. The unfolded form is the
 * same sum in another order: it matches the engine's forward to float rounding.
 */
public final class Convolution {

    private Convolution() {}

    /** x [B, C, L], weight [O, C, K], bias [O] (or null) → [B, O, (L − d·(K−1) − 1) / s + 1]; no padding. */
    public static NDArray conv1d(NDArray x, NDArray weight, NDArray bias, int stride, int dilation) {
        if (!recordingOnCpu(x)) {
            NDArray b = bias != null ? bias : x.getManager().zeros(new Shape(weight.getShape().get(0)));
            return ai.djl.nn.convolutional.Conv1d.conv1d(x, weight, b, new Shape(stride), new Shape(0),
                    new Shape(dilation), 1).singletonOrThrow();
        }
        long batch = x.getShape().get(0);
        long channels = x.getShape().get(1);
        long length = x.getShape().get(2);
        long out = weight.getShape().get(0);
        int kernel = Math.toIntExact(weight.getShape().get(2));
        long frames = (length - (long) dilation * (kernel - 1) - 1) / stride + 1;
        if (frames < 1) {
            throw new IllegalArgumentException("input of " + length + " samples is shorter than the kernel's reach");
        }
        NDArray columns;
        if (kernel == 1 && stride == 1) {
            columns = x;
        } else {
            NDList taps = new NDList(kernel);
            for (int k = 0; k < kernel; k++) {
                long from = (long) k * dilation;
                taps.add(x.get(":, :, " + from + ":" + (from + stride * (frames - 1) + 1) + ":" + stride));
            }
            columns = NDArrays.stack(taps, 2).reshape(batch, channels * kernel, frames);   // [B, C·K, T]
        }
        NDArray y = weight.reshape(out, channels * kernel).matMul(columns);               // [B, O, T]
        return bias == null ? y : y.add(bias.reshape(1, out, 1));
    }

    /** x [B, C, H, W], weight [O, C, K, K], bias [O] (or null), symmetric zero padding → [B, O, H', W']. */
    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        if (!recordingOnCpu(x)) {
            NDArray b = bias != null ? bias : x.getManager().zeros(new Shape(weight.getShape().get(0)));
            return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, b, new Shape(stride, stride),
                    new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
        }
        NDArray padded = padding > 0 ? x.pad(new Shape(padding, padding, padding, padding), 0) : x;
        long batch = padded.getShape().get(0);
        long channels = padded.getShape().get(1);
        long height = padded.getShape().get(2);
        long width = padded.getShape().get(3);
        long out = weight.getShape().get(0);
        int kernel = Math.toIntExact(weight.getShape().get(2));
        long rows = (height - kernel) / stride + 1;
        long cols = (width - kernel) / stride + 1;
        NDArray columns;
        if (kernel == 1 && stride == 1) {
            columns = padded.reshape(batch, channels, rows * cols);
        } else if (kernel == stride) {
            // Non-overlapping patches (a ViT's patch embedding): a reshape and a permutation, no slices.
            columns = padded.get(":, :, :" + rows * kernel + ", :" + cols * kernel)
                    .reshape(batch, channels, rows, kernel, cols, kernel).transpose(0, 1, 3, 5, 2, 4)
                    .reshape(batch, channels * kernel * kernel, rows * cols);
        } else {
            NDList taps = new NDList(kernel * kernel);
            for (int i = 0; i < kernel; i++) {
                for (int j = 0; j < kernel; j++) {
                    taps.add(padded.get(":, :, " + i + ":" + (i + stride * (rows - 1) + 1) + ":" + stride + ", "
                            + j + ":" + (j + stride * (cols - 1) + 1) + ":" + stride));
                }
            }
            columns = NDArrays.stack(taps, 2).reshape(batch, channels * kernel * kernel, rows * cols);
        }
        NDArray y = weight.reshape(out, channels * kernel * kernel).matMul(columns).reshape(batch, out, rows, cols);
        return bias == null ? y : y.add(bias.reshape(1, out, 1, 1));
    }

    /** Whether autograd records this call on a CPU (the only case that avoids the engine's kernels). */
    static boolean recordingOnCpu(NDArray x) {
        return !x.getDevice().isGpu() && "PyTorch".equals(x.getManager().getEngine().getEngineName())
                && JniUtils.isGradMode();
    }
}
