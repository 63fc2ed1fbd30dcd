package dev.tessera.tokenizers.video;

/** Bytes that are not a video FFmpeg can decode: corrupt, truncated, audio only, or no frames. */
public class InvalidVideoException extends IllegalArgumentException {

    public InvalidVideoException(String message) {
        super(message);
    }

    public InvalidVideoException(String message, Throwable cause) {
        super(message, cause);
    }
}
