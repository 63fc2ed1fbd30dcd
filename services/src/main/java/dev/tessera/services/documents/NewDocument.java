package dev.tessera.services.documents;

import dev.tessera.retrieval.document.Document;
import java.util.Map;

/**
 * A document as a client sends it: the JSON body of {@code POST /v1/documents} and each line of a
 * bulk upload. {@code embedding} is the client's vector, for a collection created with {@code vectors}.
 */
public record NewDocument(String id, String title, String text, Map<String, Object> metadata, float[] embedding) {

    public Document toDocument() {
        return new Document(id, title, text, metadata, embedding);
    }
}
