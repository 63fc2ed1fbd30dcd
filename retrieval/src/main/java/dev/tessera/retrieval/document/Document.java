package dev.tessera.retrieval.document;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A document as a user submits it. Metadata values are strings, numbers or booleans, or lists of
 * them; filters match them exactly, as strings.
 */
public record Document(String id, String title, String text, Map<String, Object> metadata) {

    public Document {
        Objects.requireNonNull(id, "id");
        title = title == null ? "" : title;
        Objects.requireNonNull(text, "text");
        metadata = metadata == null ? Map.of() : new LinkedHashMap<>(metadata);
    }

    /** Metadata flattened to the exact-match strings that filters compare with. */
    public Map<String, List<String>> filterValues() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        metadata.forEach((key, value) -> out.put(key, Metadata.values(key, value)));
        return out;
    }
}
