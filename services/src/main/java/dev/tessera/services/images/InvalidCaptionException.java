package dev.tessera.services.images;

/** A caption missing where the model needs one, given to a model that reads none, or unusable (answered 422). */
public class InvalidCaptionException extends RuntimeException {

    public InvalidCaptionException(String message) {
        super(message);
    }
}
