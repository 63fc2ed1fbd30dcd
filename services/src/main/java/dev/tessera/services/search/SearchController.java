package dev.tessera.services.search;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.search.Fusion;
import dev.tessera.retrieval.search.SearchMode;
import dev.tessera.retrieval.search.SearchRequest;
import dev.tessera.retrieval.search.SearchResult;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.video.VideoLibrary;
import dev.tessera.services.video.VideoSearchResponse;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.MediaType;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.tessera.retrieval.collection.Collection;
import dev.tessera.retrieval.collection.CollectionRegistry;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /v1/search}: BM25, vector or hybrid search over the chunks. */
@RestController
@Tag(name = "search")
public class SearchController {

    /**
     * @param fusion  hybrid only: {@code adaptive}, {@code convex} or {@code rrf}; the configured default when absent
     * @param weight  hybrid only: dense weight for convex fusion, bias for adaptive fusion
     */
    @Schema(name = "SearchRequest")
    /**
     * @param likeVideo id of a stored clip: find clips like it (video hits) instead of text
     * @param vector    a query vector instead of embedding {@code query} (vector mode); its dimension is checked
     * @param minScore  leave out hits scoring below it (scores per mode: docs/api.md)
     * @param offset    hits to skip (paging), at most 10,000
     * @param include   what hits carry besides ids and scores: {@code text}, {@code metadata}, {@code vector};
     *                  default text and metadata
     */
    public record Query(String query, Integer k, String mode, Map<String, Object> filter, String fusion, Double weight,
                        Boolean highlight, String likeVideo, float[] vector, Float minScore, Integer offset,
                        List<String> include) {}

    @Schema(name = "SearchHit")
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Hit(String docId, String chunkId, float score, Scores scores, String title, String text, int start,
                      int end, List<String> highlights, Map<String, Object> metadata, float[] vector) {
        static Hit of(ChunkHit h, Set<String> include, Map<String, float[]> vectors) {
            Scores scores = h.components() == null ? null
                    : new Scores(h.components().bm25(), h.components().vector());
            return new Hit(h.docId(), h.chunkId(), h.score(), scores, h.title(),
                    include.contains("text") ? h.text() : null, h.start(), h.end(), h.highlights(),
                    include.contains("metadata") ? h.metadata() : null, vectors.get(h.chunkId()));
        }
    }

    /** A hybrid hit's component scores, as bm25-only and vector-only searches report them; a side that did not retrieve the chunk is absent. */
    @Schema(name = "HitScores")
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Scores(Float bm25, Float vector) {}

    private static final Set<String> INCLUDABLE = Set.of("text", "metadata", "vector");

    @Schema(name = "SearchResponse")
    public record Response(List<Hit> hits, long tookMs, String mode) {}

    private final CollectionRegistry collections;
    private final TesseraProperties properties;
    private final VideoLibrary videos;

    public SearchController(CollectionRegistry collections, TesseraProperties properties, VideoLibrary videos) {
        this.collections = collections;
        this.properties = properties;
        this.videos = videos;
    }

    @PostMapping(path = {"/v1/search", "/v1/collections/{collection}/search"}, consumes = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "200", description = "Text hits; with like_video, stored clips like that one",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(oneOf = {Response.class, VideoSearchResponse.class})))
    @ApiResponse(responseCode = "404", description = "like_video names no stored clip")
    public Object search(@PathVariable(required = false) String collection, @RequestBody Query body) {
        if (body.likeVideo() != null) {
            if (body.query() != null || body.fusion() != null || body.weight() != null
                    || (body.mode() != null && !body.mode().equals("video"))) {
                throw new InvalidRequestException("like_video",
                        "like_video searches stored clips: leave out query, fusion and weight, and mode or set it to video");
            }
            return videos.searchLike(body.likeVideo(), VideoLibrary.hits(body.k()), Filter.parse(body.filter()));
        }
        Collection c = collections.forRoute(collection);
        SearchMode mode = body.mode() == null ? (body.query() == null && body.vector() != null ? SearchMode.VECTOR
                : SearchMode.HYBRID) : parse("mode", () -> SearchMode.parse(body.mode()));
        Set<String> include = body.include() == null ? Set.of("text", "metadata") : Set.copyOf(body.include());
        for (int i = 0; body.include() != null && i < body.include().size(); i++) {
            if (!INCLUDABLE.contains(body.include().get(i))) {
                throw new InvalidRequestException("include[" + i + "]", "include names text, metadata or vector");
            }
        }
        Fusion fusion = body.fusion() == null && body.weight() == null ? null
                : parse("fusion", () -> properties.search().fusionOf(body.fusion(), body.weight()));
        Filter filter = Filter.parse(body.filter());
        int k = body.k() == null ? 10 : body.k();
        SearchResult result = c.searcher().search(new SearchRequest(body.query(), body.vector(), k, mode, filter, fusion,
                body.highlight() == null || body.highlight(), body.minScore(), body.offset() == null ? 0 : body.offset()));
        Map<String, float[]> vectors = include.contains("vector")
                ? c.index().vectors(result.hits().stream().map(ChunkHit::chunkId).toList()) : Map.of();
        return new Response(result.hits().stream().map(h -> Hit.of(h, include, vectors)).toList(), result.tookMillis(),
                mode.name().toLowerCase());
    }

    private static <T> T parse(String field, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw e instanceof InvalidRequestException ir ? ir : new InvalidRequestException(field, e.getMessage());
        }
    }
}
