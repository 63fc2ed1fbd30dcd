package dev.tessera.services.video;

import java.util.Collection;

/** A video tokenizer or backbone name nobody answers to (answered 404, field model or backbone). */
public class UnknownVideoModelException extends RuntimeException {

    private final String field;

    public UnknownVideoModelException(String name, Collection<String> known) {
        this("model", name, known);
    }

    public UnknownVideoModelException(String field, String name, Collection<String> known) {
        super("video " + field + " '" + name + "' is not available; available: " + String.join(", ", known));
        this.field = field;
    }

    public String field() {
        return field;
    }
}
