package dev.tessera.retrieval.collection;

/** No collection by that name (404). */
public class UnknownCollectionException extends RuntimeException {

    public UnknownCollectionException(String name) {
        super("no collection named '" + name + "'");
    }
}
