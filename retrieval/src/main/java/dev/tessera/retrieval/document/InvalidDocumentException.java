package dev.tessera.retrieval.document;

/** A request that cannot be served as given; {@link #field()} names the part at fault. */
public class InvalidDocumentException extends IllegalArgumentException {

    private final String field;

    public InvalidDocumentException(String field, String message) {
        super(message);
        this.field = field;
    }

    public InvalidDocumentException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
