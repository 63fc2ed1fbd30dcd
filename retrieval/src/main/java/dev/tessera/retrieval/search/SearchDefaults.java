package dev.tessera.retrieval.search;

/**
 * Defaults shared by the service and the evaluation command, so that what is measured is what is
 * served. The fusion and its constants come from the tuning halves of {@code eval ir} (docs/benchmarks.md).
 */
public final class SearchDefaults {

    public static final String FUSION = "adaptive";
    public static final double DENSE_WEIGHT = 0.6;
    public static final int RRF_K = 60;
    /**
     * {@link AdaptiveFusion}'s base dense weight and evidence exponent: the best mean nDCG@10 over the
     * tuning halves of Cranfield and SQuAD (docs/benchmarks.md, "Hybrid fusion").
     */
    public static final double ADAPTIVE_WEIGHT = 0.55;
    public static final double ADAPTIVE_GAMMA = 0.75;
    /**
     * Chunks hybrid search draws from each side: what {@code eval ir} judges (200 chunks fill the 100
     * documents its Recall@100 needs), so the served fusion sees the lists the constants were tuned on.
     */
    public static final int CANDIDATE_DEPTH = 200;
    public static final int CHUNK_TOKENS = 256;
    public static final int CHUNK_OVERLAP = 32;

    private SearchDefaults() {}

    public static Fusion fusion() {
        return new AdaptiveFusion(ADAPTIVE_WEIGHT, ADAPTIVE_GAMMA);
    }
}
