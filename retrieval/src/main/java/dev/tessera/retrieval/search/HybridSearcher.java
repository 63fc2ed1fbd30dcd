package dev.tessera.retrieval.search;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex;
import java.util.List;

/**
 * Answers BM25, vector and hybrid queries over one index. Hybrid search draws
 * {@code candidateDepth} candidates from each side and fuses them.
 */
public final class HybridSearcher {

    private final DocumentIndex index;
    private final Embedder embedder;
    private final Fusion defaultFusion;
    private final int candidateDepth;

    public HybridSearcher(DocumentIndex index, Embedder embedder, Fusion defaultFusion, int candidateDepth) {
        this.index = index;
        this.embedder = embedder;
        this.defaultFusion = defaultFusion;
        this.candidateDepth = Math.max(1, candidateDepth);
    }

    public SearchResult search(SearchRequest request) {
        long started = System.nanoTime();
        if (request.query() == null || request.query().isBlank()) {
            throw new InvalidRequestException("query", "query must not be empty");
        }
        if (request.k() < 1 || request.k() > SearchRequest.MAX_K) {
            throw new InvalidRequestException("k", "k must be between 1 and " + SearchRequest.MAX_K);
        }
        List<ChunkHit> hits = switch (request.mode()) {
            case BM25 -> index.searchText(request.query(), request.k(), request.filter());
            case VECTOR -> index.searchVector(embedder.embed(request.query(), Embedder.Role.QUERY), request.k(),
                    request.filter());
            case HYBRID -> {
                int depth = Math.max(request.k(), candidateDepth);
                DocumentIndex.HybridCandidates candidates = index.searchHybrid(request.query(),
                        embedder.embed(request.query(), Embedder.Role.QUERY), depth, request.filter());
                Fusion fusion = request.fusion() == null ? defaultFusion : request.fusion();
                yield fusion.fuse(candidates.lexical(), candidates.dense(), request.k());
            }
        };
        if (request.highlight()) {
            hits = index.highlight(request.query(), hits);
        }
        return new SearchResult(hits, (System.nanoTime() - started) / 1_000_000);
    }
}
