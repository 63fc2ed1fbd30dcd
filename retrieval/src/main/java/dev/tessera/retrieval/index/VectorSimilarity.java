package dev.tessera.retrieval.index;

import java.util.Locale;

/**
 * How a collection compares vectors. Scores are always "higher is closer": cosine and dot are the
 * similarity itself; euclidean is {@code 1 / (1 + d²)} (Lucene's and Elasticsearch's score), so
 * {@code min_score} reads the same way for all three.
 */
public enum VectorSimilarity {
    /** Vectors are normalised on the way in, and compared by dot product. */
    COSINE,
    DOT,
    EUCLIDEAN;

    public static VectorSimilarity parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown similarity '" + value + "' (cosine, dot, euclidean)");
        }
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * A score of Lucene's HNSW (the embedded index's, and OpenSearch's {@code lucene} k-NN engine's)
     * turned back into this similarity: Lucene scales dot products into (0, ∞) and keeps
     * {@code 1 / (1 + d²)} for Euclidean distance.
     */
    public float fromLuceneScore(double score) {
        return (float) switch (this) {
            case COSINE -> 2 * score - 1; // (1 + cos) / 2, on vectors normalised on the way in
            case DOT -> score < 1 ? 1 - 1 / score : score - 1; // 1 / (1 - dot) below 0, 1 + dot above
            case EUCLIDEAN -> score;
        };
    }

    /** Squared lengths this close to 1 are unit length already, to float rounding (a normalised float vector's is within ~1e-7). */
    static final double UNIT_TOLERANCE = 1e-5;

    /**
     * A copy scaled to unit length for cosine; the vector itself otherwise, and also when it is of
     * unit length already (as every normalising embedder's output is): scaling it again would only
     * move its last bits, and clients that read their vectors back get exactly what they sent.
     */
    public float[] prepare(float[] v) {
        if (this != COSINE) {
            return v;
        }
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        if (norm == 0) {
            throw new IllegalArgumentException("a zero vector has no direction (cosine similarity)");
        }
        if (Math.abs(norm - 1) <= UNIT_TOLERANCE) {
            return v.clone();
        }
        float inv = (float) (1 / Math.sqrt(norm));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }
}
