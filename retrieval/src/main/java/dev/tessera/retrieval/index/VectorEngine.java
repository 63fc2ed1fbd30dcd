package dev.tessera.retrieval.index;

import java.util.Locale;

/** Which structure answers nearest-neighbour queries. */
public enum VectorEngine {
    /** Lucene's own HNSW graph on a {@code KnnFloatVectorField}, inside the index. */
    LUCENE,
    /** An hnswlib-java graph kept beside the index, under {@code hnsw/}. */
    HNSWLIB;

    public static VectorEngine parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown vector engine '" + value + "' (lucene, hnswlib)");
        }
    }
}
