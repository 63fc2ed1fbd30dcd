package dev.tessera.services.video;

import java.util.Collection;

/** A video tokenizer name nobody answers to (answered 404, field model). */
public class UnknownVideoModelException extends RuntimeException {

    public UnknownVideoModelException(String name, Collection<String> known) {
        super("video model '" + name + "' is not available; available: " + String.join(", ", known));
    }
}
