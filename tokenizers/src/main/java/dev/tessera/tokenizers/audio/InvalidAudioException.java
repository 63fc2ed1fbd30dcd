package dev.tessera.tokenizers.audio;

/**
 * Bytes that are not audio FFmpeg can decode: {@link #unsupported()} when they are not a media
 * container at all, otherwise corrupt, truncated, without an audio track, or without samples.
 */
public class InvalidAudioException extends IllegalArgumentException {

    private final boolean unsupported;

    public InvalidAudioException(String message) {
        this(message, false, null);
    }

    public InvalidAudioException(String message, boolean unsupported, Throwable cause) {
        super(message, cause);
        this.unsupported = unsupported;
    }

    public boolean unsupported() {
        return unsupported;
    }
}
