package dev.tessera.retrieval.document;

import dev.tessera.retrieval.InvalidRequestException;

/** An upload whose content type Tessera does not read. */
public class UnsupportedDocumentTypeException extends InvalidRequestException {

    private final String mediaType;

    public UnsupportedDocumentTypeException(String mediaType) {
        super("file", "unsupported document type " + mediaType); // the types read: DocumentParser.ACCEPTED
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }
}
