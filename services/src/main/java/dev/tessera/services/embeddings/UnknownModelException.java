package dev.tessera.services.embeddings;

import java.util.List;

/** A request named a model this service does not have. */
public class UnknownModelException extends RuntimeException {

    public UnknownModelException(String name, List<String> known) {
        super("model '" + name + "' is not available; available models: " + String.join(", ", known));
    }
}
