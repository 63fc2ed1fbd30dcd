package dev.tessera.services.images;

/** Token ids that do not fit the model: wrong count or out of the codebook (answered 422). */
public class InvalidTokensException extends RuntimeException {

    public InvalidTokensException(String message) {
        super(message);
    }
}
