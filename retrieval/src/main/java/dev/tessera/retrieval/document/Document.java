package dev.tessera.retrieval.document;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A document as a user submits it; {@link dev.tessera.retrieval.ingest.DocumentIngestor#validate}
 * checks it. Metadata values are strings, integers, numbers, booleans, or arrays of one of them
 * ({@link Metadata}); their types are fixed per collection by first use. {@code embedding} is the
 * client's vector, in a collection of client vectors only.
 */
public record Document(String id, String title, String text, Map<String, Object> metadata, float[] embedding) {

    /** A document whose vectors Tessera computes. */
    public Document(String id, String title, String text, Map<String, Object> metadata) {
        this(id, title, text, metadata, null);
    }

    public Document {
        id = id == null ? "" : id; // an empty id is given a fresh one on ingest
        title = title == null ? "" : title;
        text = text == null ? "" : text;
        metadata = metadata == null ? Map.of() : new LinkedHashMap<>(metadata);
    }

    /**
     * A chunk of this document with the title in front, for context the chunk may lack — unless
     * the chunk already starts with the title (as abstracts often do), which would count it twice.
     */
    public String titled(String chunkText) {
        if (title.isBlank() || chunkText.regionMatches(true, 0, title, 0, title.length())) {
            return chunkText;
        }
        return title + "\n" + chunkText;
    }
}
