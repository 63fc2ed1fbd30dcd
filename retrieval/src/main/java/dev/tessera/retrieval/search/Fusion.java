package dev.tessera.retrieval.search;

import dev.tessera.retrieval.index.ChunkHit;
import java.util.List;
import java.util.Locale;

/** Merges a lexical and a dense candidate list into one ranking. */
public interface Fusion {

    List<ChunkHit> fuse(List<ChunkHit> lexical, List<ChunkHit> dense, int k);

    String name();

    /** @param weight dense weight for {@code convex}; ignored by {@code rrf} */
    static Fusion of(String name, double weight, int rrfK) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "rrf" -> new ReciprocalRankFusion(rrfK);
            case "convex" -> new ConvexFusion(weight);
            default -> throw new IllegalArgumentException("unknown fusion '" + name + "' (rrf, convex)");
        };
    }
}
