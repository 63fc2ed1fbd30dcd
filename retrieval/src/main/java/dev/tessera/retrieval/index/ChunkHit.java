package dev.tessera.retrieval.index;

import java.util.List;
import java.util.Map;

/**
 * One retrieved chunk, with its document's metadata. {@code components} is set on fused (hybrid)
 * hits: what each side scored the chunk, null where that side did not retrieve it.
 */
public record ChunkHit(
        String docId, String chunkId, int ordinal, float score, String title, String text, int start, int end,
        List<String> highlights, Map<String, Object> metadata, Components components) {

    /** The scores of a hybrid hit's two sides, as bm25-only and vector-only searches report them. */
    public record Components(Float bm25, Float vector) {}

    public ChunkHit {
        metadata = metadata == null ? Map.of() : metadata;
    }

    public ChunkHit(String docId, String chunkId, int ordinal, float score, String title, String text, int start,
                    int end, List<String> highlights, Map<String, Object> metadata) {
        this(docId, chunkId, ordinal, score, title, text, start, end, highlights, metadata, null);
    }

    /** A hit without metadata. */
    public ChunkHit(String docId, String chunkId, int ordinal, float score, String title, String text, int start,
                    int end, List<String> highlights) {
        this(docId, chunkId, ordinal, score, title, text, start, end, highlights, Map.of(), null);
    }

    public ChunkHit withScore(float newScore) {
        return new ChunkHit(docId, chunkId, ordinal, newScore, title, text, start, end, highlights, metadata, components);
    }

    public ChunkHit withHighlights(List<String> newHighlights) {
        return new ChunkHit(docId, chunkId, ordinal, score, title, text, start, end, newHighlights, metadata, components);
    }

    /** The fused form of this hit: its fused score and what each side scored it. */
    public ChunkHit fused(float fusedScore, Components sides) {
        return new ChunkHit(docId, chunkId, ordinal, fusedScore, title, text, start, end, highlights, metadata, sides);
    }
}
