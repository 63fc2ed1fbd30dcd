package dev.tessera.tokenizers.image;

/** An image whose pixel count is over the configured limit (checked before decoding). */
public class ImageTooLargeException extends IllegalArgumentException {

    public ImageTooLargeException(long width, long height, long maxPixels) {
        super("image of " + width + "x" + height + " pixels exceeds the limit of " + maxPixels + " pixels");
    }
}
