package dev.tessera.retrieval.index;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.document.Metadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Exact-match filter on metadata: every key must match, a list of values means any of them. */
public record MetadataFilter(Map<String, List<String>> terms) {

    public static final MetadataFilter NONE = new MetadataFilter(Map.of());

    public MetadataFilter {
        terms = Map.copyOf(terms);
    }

    /** Builds a filter from JSON-like input, with the same value rules as document metadata. */
    public static MetadataFilter of(Map<String, Object> raw) {
        if (raw == null || raw.isEmpty()) {
            return NONE;
        }
        Map<String, List<String>> terms = new LinkedHashMap<>();
        try {
            raw.forEach((k, v) -> terms.put(k, Metadata.values(k, v)));
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException(e.field().replaceFirst("^metadata", "filter"), e.getMessage());
        }
        return new MetadataFilter(terms);
    }

    public boolean isEmpty() {
        return terms.isEmpty();
    }
}
