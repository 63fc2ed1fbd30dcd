package dev.tessera.tokenizers.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;

/**
 * Convolutions for every layer of the tokenizers. Inference, and any call on a GPU, runs the
 * engine's own convolution (oneDNN on a CPU, cuDNN on CUDA). A call that autograd records on a CPU
 * — a trainer's step — takes the {@link RecordedForm} set for the JVM: by default the engine's
 * kernels with the output channels zero-padded to a multiple of 16.
 *
 * <p>Why: libtorch 2.7.1 calls oneDNN 3.7.1, whose AVX-512 {@code backward_data} kernel
 * ({@code jit:avx512_core}) reads memory it never wrote when the output channels are not a multiple
 * of 16, the channel block of its AVX-512 layouts: the input gradient of the same call differed
 * from call to call and held NaN/∞ in 1–5 % of calls (e.g. 16 → 8 channels, kernel 3, batch 4),
 * while the forward result and the weight gradient stayed exact. On AVX2 (8-channel blocks) the
 * same shapes were exact, and no shape with 16 or 32 output channels ever failed. One such NaN
 * poisoned every encoder weight of an EnCodec step. Padding the channels ourselves leaves the kernel
 * nothing to pad, at the engine's speed. The unfolded form (strided slices stacked into columns, one
 * GEMM: no oneDNN convolution at all) is correct by construction but made EnCodec training steps about twice as slow; it is there
 * for a CPU whose oneDNN fails some other way ({@code -Dtessera.training.convolution=unfolded}).
 */
public final class Convolution {

    /** How a call that autograd records on a CPU is computed. */
    public enum RecordedForm {
        /** The engine's kernels with the output channels zero-padded to a multiple of 16 (the default). */
        PADDED,
        /** Strided slices stacked into columns and one GEMM; no oneDNN convolution. */
        UNFOLDED,
        /** The engine's kernels as inference runs them: wrong on AVX-512 CPUs; {@code bench training}'s baseline. */
        ENGINE
    }

    /** Channel block of oneDNN's AVX-512 float layouts (a multiple of AVX2's 8). */
    static final int BLOCK = 16;

    private static volatile RecordedForm recordedForm = RecordedForm.valueOf(
            System.getProperty("tessera.training.convolution", "padded").toUpperCase(Locale.ROOT));

    private Convolution() {}

    /** Sets the form of recorded CPU calls for this JVM (benchmarks and tests compare the forms in one run). */
    public static void recordedForm(RecordedForm form) {
        recordedForm = form;
    }

    public static RecordedForm recordedForm() {
        return recordedForm;
    }

    /** x [B, C, L], weight [O, C, K], bias [O] (or null) → [B, O, (L − d·(K−1) − 1) / s + 1]; no padding. */
    public static NDArray conv1d(NDArray x, NDArray weight, NDArray bias, int stride, int dilation) {
        return switch (form(x)) {
            case ENGINE -> engine1d(x, weight, bias, stride, dilation);
            case PADDED -> padded(weight, bias, (w, b) -> engine1d(x, w, b, stride, dilation));
            case UNFOLDED -> unfolded1d(x, weight, bias, stride, dilation);
        };
    }

    private static NDArray engine1d(NDArray x, NDArray weight, NDArray bias, int stride, int dilation) {
        NDArray b = bias != null ? bias : x.getManager().zeros(new Shape(weight.getShape().get(0)));
        return ai.djl.nn.convolutional.Conv1d.conv1d(x, weight, b, new Shape(stride), new Shape(0),
                new Shape(dilation), 1).singletonOrThrow();
    }

    static NDArray unfolded1d(NDArray x, NDArray weight, NDArray bias, int stride, int dilation) {
        long batch = x.getShape().get(0);
        long channels = x.getShape().get(1);
        long length = x.getShape().get(2);
        long out = weight.getShape().get(0);
        int kernel = Math.toIntExact(weight.getShape().get(2));
        long frames = (length - (long) dilation * (kernel - 1) - 1) / stride + 1;
        if (frames < 1) {
            throw new IllegalArgumentException("input of " + length + " samples is shorter than the kernel's reach");
        }
        // Columns are laid out [C·K, B·T] so that the product is one plain GEMM (a broadcast batched
        // matmul with few output channels took MKL's slow path: 20× the engine's time for 8 → 1).
        NDArray channelsFirst = x.transpose(1, 0, 2);                                    // [C, B, L]
        NDArray columns;
        NDArray w = weight;
        if (kernel == 1 && stride == 1) {
            columns = channelsFirst.reshape(channels, batch * frames);
        } else if (stride > 1 && dilation == 1) {
            // Strided: x read as [C, B, blocks, S]; tap k = j·S + r is block shift j, offset r, so
            // ⌈K/S⌉ shifted views make the columns (the kernel zero-extended to a multiple of S)
            // instead of K strided slices, whose backward would write K input-sized gradients.
            int shifts = (kernel + stride - 1) / stride;
            long blocks = frames - 1 + shifts;
            long need = blocks * stride;
            NDArray fitted = need > length ? channelsFirst.pad(new Shape(0, need - length), 0)
                    : channelsFirst.get(":, :, :" + need);
            NDArray view = fitted.reshape(channels, batch, blocks, stride);
            NDList parts = new NDList(shifts);
            for (int j = 0; j < shifts; j++) {
                parts.add(view.get(":, :, " + j + ":" + (j + frames)));                  // [C, B, T, S]
            }
            columns = NDArrays.stack(parts, 1).transpose(0, 1, 4, 2, 3)                 // [C, shifts, S, B, T]
                    .reshape(channels * shifts * stride, batch * frames);
            if (shifts * stride > kernel) {
                w = weight.pad(new Shape(0, shifts * stride - kernel), 0);
            }
            kernel = shifts * stride;
        } else {
            NDList taps = new NDList(kernel);
            for (int k = 0; k < kernel; k++) {
                long from = (long) k * dilation;
                taps.add(channelsFirst.get(":, :, " + from + ":" + (from + stride * (frames - 1) + 1) + ":" + stride));
            }
            columns = NDArrays.stack(taps, 1).reshape(channels * kernel, batch * frames);   // [C·K, B·T]
        }
        NDArray y = w.reshape(out, channels * kernel).matMul(columns)                     // [O, B·T]
                .reshape(out, batch, frames).transpose(1, 0, 2);
        return bias == null ? y : y.add(bias.reshape(1, out, 1));
    }

    /** x [B, C, H, W], weight [O, C, K, K], bias [O] (or null), symmetric zero padding → [B, O, H', W']. */
    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        return switch (form(x)) {
            case ENGINE -> engine2d(x, weight, bias, stride, padding);
            case PADDED -> padded(weight, bias, (w, b) -> engine2d(x, w, b, stride, padding));
            case UNFOLDED -> unfolded2d(x, weight, bias, stride, padding);
        };
    }

    private static NDArray engine2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        NDArray b = bias != null ? bias : x.getManager().zeros(new Shape(weight.getShape().get(0)));
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, b, new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
    }

    /**
     * The engine's conv with the weight's (and bias's) output channels zero-extended to a multiple of
     * {@link #BLOCK}, then the extra channels dropped: oneDNN's blocked layouts then hold no padded
     * channels for the backward pass to read, and the zero rows add exactly nothing.
     */
    private static NDArray padded(NDArray weight, NDArray bias, java.util.function.BinaryOperator<NDArray> conv) {
        long out = weight.getShape().get(0);
        long extra = (out + BLOCK - 1) / BLOCK * BLOCK - out;
        if (extra == 0) {
            return conv.apply(weight, bias);
        }
        long[] pad = new long[2 * weight.getShape().dimension()];   // (before, after) per dim, last dim first
        pad[pad.length - 1] = extra;
        NDArray w = weight.pad(new Shape(pad), 0);
        NDArray b = (bias != null ? bias : weight.getManager().zeros(new Shape(out))).pad(new Shape(0, extra), 0);
        return conv.apply(w, b).get(":, :" + out);
    }

    static NDArray unfolded2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        NDArray padded = padding > 0 ? x.pad(new Shape(padding, padding, padding, padding), 0) : x;
        long batch = padded.getShape().get(0);
        long channels = padded.getShape().get(1);
        long height = padded.getShape().get(2);
        long width = padded.getShape().get(3);
        long out = weight.getShape().get(0);
        int kernel = Math.toIntExact(weight.getShape().get(2));
        long rows = (height - kernel) / stride + 1;
        long cols = (width - kernel) / stride + 1;
        NDArray channelsFirst = padded.transpose(1, 0, 2, 3);                              // [C, B, H, W]
        NDArray columns;                                                                   // [C·K·K, B·H'·W']
        if (kernel == 1 && stride == 1) {
            columns = channelsFirst.reshape(channels, batch * rows * cols);
        } else if (kernel == stride) {
            // Non-overlapping patches (a ViT's patch embedding): a reshape and a permutation, no slices.
            columns = channelsFirst.get(":, :, :" + rows * kernel + ", :" + cols * kernel)
                    .reshape(channels, batch, rows, kernel, cols, kernel).transpose(0, 3, 5, 1, 2, 4)
                    .reshape(channels * kernel * kernel, batch * rows * cols);
        } else {
            NDList taps = new NDList(kernel * kernel);
            for (int i = 0; i < kernel; i++) {
                for (int j = 0; j < kernel; j++) {
                    taps.add(channelsFirst.get(":, :, " + i + ":" + (i + stride * (rows - 1) + 1) + ":" + stride + ", "
                            + j + ":" + (j + stride * (cols - 1) + 1) + ":" + stride));
                }
            }
            columns = NDArrays.stack(taps, 1).reshape(channels * kernel * kernel, batch * rows * cols);
        }
        NDArray y = weight.reshape(out, channels * kernel * kernel).matMul(columns)
                .reshape(out, batch, rows, cols).transpose(1, 0, 2, 3);
        return bias == null ? y : y.add(bias.reshape(1, out, 1, 1));
    }

    /** The form of this call: the engine's kernels unless autograd records it on a CPU. */
    static RecordedForm form(NDArray x) {
        boolean recording = !x.getDevice().isGpu() && "PyTorch".equals(x.getManager().getEngine().getEngineName())
                && JniUtils.isGradMode();
        return recording ? recordedForm : RecordedForm.ENGINE;
    }
}
