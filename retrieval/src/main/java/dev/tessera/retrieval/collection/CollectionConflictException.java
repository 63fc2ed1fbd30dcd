package dev.tessera.retrieval.collection;

/** A collection of that name exists with other settings (409). */
public class CollectionConflictException extends RuntimeException {

    public CollectionConflictException(String message) {
        super(message);
    }
}
