package dev.tessera.services.audio;

/** The audio tokenizer is installed but cannot be served (no weights, or they do not load). */
public class AudioModelUnavailableException extends RuntimeException {

    public AudioModelUnavailableException(String name, String problem) {
        super("audio model " + name + " is unavailable: " + problem);
    }
}
