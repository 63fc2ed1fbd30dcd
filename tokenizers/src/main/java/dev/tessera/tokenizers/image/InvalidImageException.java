package dev.tessera.tokenizers.image;

/** Bytes that are not an image Tessera can decode (unsupported format or corrupt data). */
public class InvalidImageException extends IllegalArgumentException {

    private final boolean unsupported;

    public InvalidImageException(String message, boolean unsupported) {
        super(message);
        this.unsupported = unsupported;
    }

    /** True when the format is not one Tessera reads; false when the data is corrupt. */
    public boolean unsupported() {
        return unsupported;
    }
}
