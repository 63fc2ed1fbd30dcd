package dev.tessera.tokenizers.weights;

import java.util.Arrays;

/** One tensor of a checkpoint: its name, stored element type and shape. */
public record TensorInfo(String name, DType dtype, long[] shape) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
