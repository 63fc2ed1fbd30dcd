package dev.tessera.tokenizers.audio;

/** Audio longer than the caller allows (from the container's duration, or found while decoding). */
public class AudioTooLongException extends IllegalArgumentException {

    public AudioTooLongException(String message) {
        super(message);
    }
}
