package dev.tessera.retrieval.search;

import java.util.Locale;

public enum SearchMode {
    BM25, VECTOR, HYBRID;

    public static SearchMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown mode '" + value + "' (bm25, vector, hybrid)");
        }
    }
}
