package dev.tessera.tokenizers.weights;

import java.util.Arrays;

/**
 * One tensor entry of a safetensors header: offsets are relative to the start of the data section.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

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
