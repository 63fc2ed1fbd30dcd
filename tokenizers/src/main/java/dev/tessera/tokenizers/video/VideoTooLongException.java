package dev.tessera.tokenizers.video;

/** A video over the configured duration limit (checked from the container before decoding). */
public class VideoTooLongException extends IllegalArgumentException {

    public VideoTooLongException(String message) {
        super(message);
    }
}
