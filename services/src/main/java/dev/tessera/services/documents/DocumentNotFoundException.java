package dev.tessera.services.documents;

public class DocumentNotFoundException extends RuntimeException {

    public DocumentNotFoundException(String id) {
        super("no document with id '" + id + "'");
    }
}
