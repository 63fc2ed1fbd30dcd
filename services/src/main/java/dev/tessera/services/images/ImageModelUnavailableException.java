package dev.tessera.services.images;

/** The model is installed but cannot be served (no or damaged weights). */
public class ImageModelUnavailableException extends RuntimeException {

    public ImageModelUnavailableException(String name, String problem) {
        super("image model '" + name + "' is unavailable: " + problem);
    }
}
