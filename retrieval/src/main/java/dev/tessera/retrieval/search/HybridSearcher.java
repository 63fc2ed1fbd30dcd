package dev.tessera.retrieval.search;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex;
import java.util.List;

/**
 * Answers BM25, vector and hybrid queries over one index. Hybrid search draws
 * {@code candidateDepth} candidates from each side and fuses them. The embedder is null in a
 * collection of client vectors: there vector and hybrid search need the request's vector.
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
        boolean hasQuery = request.query() != null && !request.query().isBlank();
        if (!hasQuery && (request.vector() == null || request.mode() != SearchMode.VECTOR)) {
            throw new InvalidRequestException("query", request.vector() == null ? "query must not be empty"
                    : "a search by vector alone is a vector search: leave mode out or set it to vector");
        }
        if (request.k() < 1 || request.k() > SearchRequest.MAX_K) {
            throw new InvalidRequestException("k", "k must be between 1 and " + SearchRequest.MAX_K);
        }
        if (request.offset() < 0 || request.offset() > SearchRequest.MAX_OFFSET) {
            throw new InvalidRequestException("offset", "offset must be between 0 and " + SearchRequest.MAX_OFFSET);
        }
        int want = request.k() + request.offset();
        List<ChunkHit> hits;
        try {
            hits = candidates(request, want);
        } catch (InvalidRequestException e) {
            throw e;
        } catch (IllegalArgumentException e) { // the index refuses a client's vector of the wrong dimension
            if (request.vector() != null) {
                throw new InvalidRequestException("vector", e.getMessage(), e);
            }
            throw e;
        }
        hits = hits.subList(Math.min(request.offset(), hits.size()), hits.size());
        if (request.minScore() != null) {
            float min = request.minScore();
            hits = hits.stream().filter(h -> h.score() >= min).toList();
        }
        if (request.highlight() && hasQuery) {
            hits = index.highlight(request.query(), hits);
        }
        return new SearchResult(List.copyOf(hits), (System.nanoTime() - started) / 1_000_000);
    }

    private List<ChunkHit> candidates(SearchRequest request, int want) {
        return switch (request.mode()) {
            case BM25 -> index.searchText(request.query(), want, request.filter());
            case VECTOR -> index.searchVector(queryVector(request), want, request.filter());
            case HYBRID -> {
                int depth = Math.max(want, candidateDepth);
                DocumentIndex.HybridCandidates candidates = index.searchHybrid(request.query(), queryVector(request),
                        depth, request.filter());
                Fusion fusion = request.fusion() == null ? defaultFusion : request.fusion();
                yield fusion.fuse(candidates, want);
            }
        };
    }

    private float[] queryVector(SearchRequest request) {
        if (request.vector() != null) {
            return request.vector();
        }
        if (embedder == null) {
            throw new InvalidRequestException("vector", "this collection stores client vectors and has no model to"
                    + " embed the query: send vector, or search with mode bm25");
        }
        return embedder.embed(request.query(), Embedder.Role.QUERY);
    }
}
