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
import io.swagger.v3.oas.annotations.media.Schema;
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
    public record Query(String query, Integer k, String mode, Map<String, Object> filter, String fusion, Double weight,
                        Boolean highlight) {}

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

    public SearchController(HybridSearcher searcher, TesseraProperties properties) {
        this.searcher = searcher;
        this.properties = properties;
    }

    @PostMapping("/v1/search")
    public Response search(@RequestBody Query body) {
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
