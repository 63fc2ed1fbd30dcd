package dev.tessera.tokenizers.video;

/**
 * Bytes that are not a video FFmpeg can decode: {@link #unsupported()} when they are not a media
 * container at all, otherwise corrupt, truncated, audio only, or without a decodable frame.
 */
public class InvalidVideoException extends IllegalArgumentException {

    private final boolean unsupported;

    public InvalidVideoException(String message) {
        this(message, false, null);
    }

    public InvalidVideoException(String message, boolean unsupported, Throwable cause) {
        super(message, cause);
        this.unsupported = unsupported;
    }

    public boolean unsupported() {
        return unsupported;
    }
}
