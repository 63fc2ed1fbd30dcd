package dev.tessera.retrieval.index;

import java.util.List;
import java.util.Map;

/** One retrieved chunk, with its document's metadata. Scores are comparable within one result list only. */
public record ChunkHit(
        String docId, String chunkId, int ordinal, float score, String title, String text, int start, int end,
        List<String> highlights, Map<String, Object> metadata) {

    public ChunkHit {
        metadata = metadata == null ? Map.of() : metadata;
    }

    /** A hit without metadata. */
    public ChunkHit(String docId, String chunkId, int ordinal, float score, String title, String text, int start,
                    int end, List<String> highlights) {
        this(docId, chunkId, ordinal, score, title, text, start, end, highlights, Map.of());
    }

    public ChunkHit withScore(float newScore) {
        return new ChunkHit(docId, chunkId, ordinal, newScore, title, text, start, end, highlights, metadata);
    }

    public ChunkHit withHighlights(List<String> newHighlights) {
        return new ChunkHit(docId, chunkId, ordinal, score, title, text, start, end, newHighlights, metadata);
    }
}
