package dev.tessera.retrieval.document;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A document as a user submits it; {@link dev.tessera.retrieval.ingest.DocumentIngestor#validate}
 * checks it. Metadata values are strings, numbers or booleans, or lists of
 * them; filters match them exactly, as strings.
 */
public record Document(String id, String title, String text, Map<String, Object> metadata) {

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

    /** Metadata flattened to the exact-match strings that filters compare with. */
    public Map<String, List<String>> filterValues() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        metadata.forEach((key, value) -> out.put(key, Metadata.values(key, value)));
        return out;
    }
}
