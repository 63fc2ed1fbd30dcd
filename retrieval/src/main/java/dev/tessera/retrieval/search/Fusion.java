package dev.tessera.retrieval.search;

import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex.HybridCandidates;
import java.util.List;
import java.util.Locale;

/**
 * Merges a lexical and a dense candidate list into one ranking. Every fused hit carries what each
 * side scored it ({@link ChunkHit#components()}), so the fused score can be read against them.
 */
public interface Fusion {

    List<ChunkHit> fuse(HybridCandidates candidates, int k);

    String name();

    /**
     * @param weight dense weight for {@code convex}, base dense weight for {@code adaptive} (its
     *               evidence exponent the default); ignored by {@code rrf}
     */
    static Fusion of(String name, double weight, int rrfK) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "rrf" -> new ReciprocalRankFusion(rrfK);
            case "convex" -> new ConvexFusion(weight);
            case "adaptive" -> new AdaptiveFusion(weight);
            default -> throw new IllegalArgumentException("unknown fusion '" + name + "' (adaptive, rrf, convex)");
        };
    }
}
