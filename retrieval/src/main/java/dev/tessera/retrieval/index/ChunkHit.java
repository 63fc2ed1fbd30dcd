package dev.tessera.retrieval.index;

import java.util.List;

/** One retrieved chunk. Scores are comparable within one result list only. */
public record ChunkHit(
        String docId, String chunkId, int ordinal, float score, String title, String text, int start, int end,
        List<String> highlights) {

    public ChunkHit withScore(float newScore) {
        return new ChunkHit(docId, chunkId, ordinal, newScore, title, text, start, end, highlights);
    }

    public ChunkHit withHighlights(List<String> newHighlights) {
        return new ChunkHit(docId, chunkId, ordinal, score, title, text, start, end, newHighlights);
    }
}
