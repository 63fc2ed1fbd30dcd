package dev.tessera.tokenizers.weights;

/** Element types of safetensors files that Tessera reads and writes. */
public enum DType {
    F32(4), F16(2), BF16(2), I64(8), I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}
