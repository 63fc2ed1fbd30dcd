package dev.tessera.services.search;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.MetadataFilter;
import dev.tessera.retrieval.search.Fusion;
import dev.tessera.retrieval.search.HybridSearcher;
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
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /v1/search}: BM25, vector or hybrid search over the chunks. */
@RestController
@Tag(name = "search")
public class SearchController {

    /**
     * @param fusion  hybrid only: {@code convex} or {@code rrf}; the configured default when absent
     * @param weight  hybrid only: dense weight for convex fusion
     */
    @Schema(name = "SearchRequest")
    /** @param likeVideo id of a stored clip: find clips like it (video hits) instead of text */
    public record Query(String query, Integer k, String mode, Map<String, Object> filter, String fusion, Double weight,
                        Boolean highlight, String likeVideo) {}

    @Schema(name = "SearchHit")
    public record Hit(String docId, String chunkId, float score, String title, String text, int start, int end,
                      List<String> highlights) {
        static Hit of(ChunkHit h) {
            return new Hit(h.docId(), h.chunkId(), h.score(), h.title(), h.text(), h.start(), h.end(), h.highlights());
        }
    }

    @Schema(name = "SearchResponse")
    public record Response(List<Hit> hits, long tookMs, String mode) {}

    private final HybridSearcher searcher;
    private final TesseraProperties properties;
    private final VideoLibrary videos;

    public SearchController(HybridSearcher searcher, TesseraProperties properties, VideoLibrary videos) {
        this.searcher = searcher;
        this.properties = properties;
        this.videos = videos;
    }

    @PostMapping(path = "/v1/search", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "200", description = "Text hits; with like_video, stored clips like that one",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(oneOf = {Response.class, VideoSearchResponse.class})))
    @ApiResponse(responseCode = "404", description = "like_video names no stored clip")
    public Object search(@RequestBody Query body) {
        if (body.likeVideo() != null) {
            if (body.query() != null || body.fusion() != null || body.weight() != null
                    || (body.mode() != null && !body.mode().equals("video"))) {
                throw new InvalidRequestException("like_video",
                        "like_video searches stored clips: leave out query, fusion and weight, and mode or set it to video");
            }
            return videos.searchLike(body.likeVideo(), VideoLibrary.hits(body.k()), MetadataFilter.of(body.filter()));
        }
        SearchMode mode = parse("mode", () -> SearchMode.parse(body.mode() == null ? "hybrid" : body.mode()));
        Fusion fusion = body.fusion() == null && body.weight() == null ? null : parse("fusion", () -> Fusion.of(
                body.fusion() == null ? properties.search().fusion() : body.fusion(),
                body.weight() == null ? properties.search().denseWeight() : body.weight(),
                properties.search().rrfK()));
        MetadataFilter filter = MetadataFilter.of(body.filter());
        int k = body.k() == null ? 10 : body.k();
        SearchResult result = searcher.search(new SearchRequest(body.query(), k, mode, filter, fusion,
                body.highlight() == null || body.highlight()));
        return new Response(result.hits().stream().map(Hit::of).toList(), result.tookMillis(),
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
