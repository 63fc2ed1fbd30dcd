package dev.tessera.retrieval.search;

/**
 * Defaults shared by the service and the evaluation command, so that what is measured is what is
 * served. The fusion choice and weight come from the Cranfield runs in {@code docs/benchmarks.md}.
 */
public final class SearchDefaults {

    public static final String FUSION = "convex";
    public static final double DENSE_WEIGHT = 0.6;
    public static final int RRF_K = 60;
    public static final int CANDIDATE_DEPTH = 100;
    public static final int CHUNK_TOKENS = 256;
    public static final int CHUNK_OVERLAP = 32;

    private SearchDefaults() {}

    public static Fusion fusion() {
        return Fusion.of(FUSION, DENSE_WEIGHT, RRF_K);
    }
}
