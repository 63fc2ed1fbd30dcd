package dev.tessera.services.audio;

/** Codes that do not fit the model: out of the codebook, or more codebooks than it has (answered 422). */
public class InvalidAudioTokensException extends RuntimeException {

    public InvalidAudioTokensException(String message) {
        super(message);
    }
}
