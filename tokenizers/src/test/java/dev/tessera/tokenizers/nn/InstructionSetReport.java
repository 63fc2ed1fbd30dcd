package dev.tessera.tokenizers.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Run as a child JVM by {@link InstructionSetCapTest}: one engine convolution (so that oneDNN, with
 * {@code ONEDNN_VERBOSE=1}, prints the instruction set it dispatches to) and a hash of the bits of a
 * row softmax over 2^20 numbers, ATen's vectorised kernel, whose rounding differs between AVX2 and
 * AVX-512 (a plain sum does not: it came out the same under both).
 */
public final class InstructionSetReport {

    private InstructionSetReport() {}

    public static void main(String[] args) {
        SplittableRandom random = new SplittableRandom(42);
        float[] values = new float[1 << 20];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray x = m.create(values, new Shape(4, 16, values.length / 64));
            NDArray w = m.create(java.util.Arrays.copyOf(values, 8 * 16 * 3), new Shape(8, 16, 3));
            Convolution.conv1d(x, w, null, 1, 1).toFloatArray();
            float[] softmax = m.create(values, new Shape(1024, 1024)).softmax(1).toFloatArray();
            System.out.println("aten-softmax-hash=" + Integer.toHexString(java.util.Arrays.hashCode(softmax)));
            System.out.flush();
        }
    }
}
