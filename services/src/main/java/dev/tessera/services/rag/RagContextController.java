package dev.tessera.services.rag;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextAssembler;
import dev.tessera.retrieval.context.ContextAssemblers;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextSegment;
import dev.tessera.retrieval.context.ContextTokenizer;
import dev.tessera.retrieval.context.crag.ClusterSummary;
import dev.tessera.retrieval.context.refrag.ChunkProjection;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.search.HybridSearcher;
import dev.tessera.retrieval.search.SearchMode;
import dev.tessera.retrieval.search.SearchRequest;
import dev.tessera.services.metrics.AssemblyTimers;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import dev.tessera.retrieval.collection.CollectionRegistry;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/rag/context}: the best context for a question within a token budget of the
 * downstream LLM's tokenizer — hybrid retrieval of {@code k} candidates, then one assembly strategy
 * (crag optionally abstractive), then, for refrag, the projection of compressed chunks into a
 * target model's embedding space.
 */
@RestController
@Tag(name = "rag")
public class RagContextController {

    @Schema(name = "RagContextRequest")
    public record Request(String query, Integer budgetTokens, Integer reserveTokens, String tokenizer,
                          String strategy, Integer k, Map<String, Object> filter, Boolean returnEmbeddings,
                          Integer chunkTokens, String targetModel, Boolean abstractive) {}

    @Schema(name = "RagSegment")
    public record Segment(String docId, String chunkId, String text, int start, int end, int tokens, double score,
                          Integer clusterId, Boolean expanded, Integer tokenStart, Integer tokenEnd, float[] embedding,
                          float[] projected) {
        static Segment of(ContextSegment s) {
            return new Segment(s.docId(), s.chunkId(), s.text(), s.start(), s.end(), s.tokens(), s.score(),
                    s.clusterId(), s.expanded(), s.tokenStart(), s.tokenEnd(), s.embedding(), s.projected());
        }
    }

    @Schema(name = "RagSummary")
    public record Summary(int clusterId, String text, int tokens) {
        static Summary of(ClusterSummary s) {
            return new Summary(s.clusterId(), s.text(), s.tokens());
        }
    }

    @Schema(name = "RagContextResponse")
    public record Response(String context, List<Segment> segments, List<Summary> summaries, int tokensUsed,
                           int tokensBaseline, double compressionRatio, String strategy, String tokenizer,
                           String targetModel, int candidates, long tookMs) {}

    static final int DEFAULT_K = 20;

    private final CollectionRegistry collections;
    private final ContextAssemblers assemblers;
    private final ContextTokenizers tokenizers;
    private final ChunkProjections projections;
    private final AbstractiveCrag abstractiveCrag;
    private final AssemblyTimers timers;

    public RagContextController(CollectionRegistry collections, ContextAssemblers assemblers, ContextTokenizers tokenizers,
            ChunkProjections projections, AbstractiveCrag abstractiveCrag, AssemblyTimers timers) {
        this.collections = collections;
        this.assemblers = assemblers;
        this.tokenizers = tokenizers;
        this.projections = projections;
        this.abstractiveCrag = abstractiveCrag;
        this.timers = timers;
    }

    @PostMapping({"/v1/rag/context", "/v1/collections/{collection}/rag/context"})
    @ApiResponse(responseCode = "200", description = "The context, within budget_tokens - reserve_tokens")
    @ApiResponse(responseCode = "502", description = "abstractive: the chat endpoint failed or timed out")
    public Response context(@PathVariable(required = false) String collection, @RequestBody Request body) {
        dev.tessera.retrieval.collection.Collection target = collections.forRoute(collection);
        HybridSearcher searcher = target.searcher();
        long started = System.nanoTime();
        if (body.budgetTokens() == null) {
            throw new InvalidRequestException("budget_tokens", "budget_tokens is required");
        }
        ContextTokenizer tokenizer = tokenizers.get(body.tokenizer());
        ContextAssembler assembler = assemblers.forStrategy(body.strategy() == null ? "topk" : body.strategy());
        boolean abstractive = Boolean.TRUE.equals(body.abstractive());
        if (abstractive) {
            assembler = abstractiveCrag.assembler(assembler);
        }
        assembler = timers.timed(assembler, abstractive);
        ChunkProjection projection = body.targetModel() == null ? null : projections.get(body.targetModel());
        ContextRequest request = new ContextRequest(body.query(), body.budgetTokens(),
                body.reserveTokens() == null ? 0 : body.reserveTokens(), tokenizer,
                body.chunkTokens() == null ? ContextRequest.DEFAULT_CHUNK_TOKENS : body.chunkTokens(),
                Boolean.TRUE.equals(body.returnEmbeddings()));
        int k = body.k() == null ? DEFAULT_K : body.k();
        boolean embedsUnits = !assembler.strategy().equals("topk");
        String model = target.embedder() == null ? null : target.embedder().name();
        // crag and refrag embed the question through the shared cache anyway: search with that vector
        float[] queryVector = embedsUnits ? assemblers.queryVector(model, body.query()) : null;
        List<ChunkHit> candidates = searcher.search(new SearchRequest(body.query(), queryVector, k, SearchMode.HYBRID,
                Filter.parse(body.filter()), null, false, null, 0)).hits();
        if (embedsUnits) {
            assemblers.offerStored(target.index(), model, candidates);
        }
        AssembledContext assembled = assembler.assemble(request, candidates);
        ChunkProjection applied = request.returnEmbeddings() ? projection : null;
        if (applied != null) {
            assembled = applied.apply(assembled);
        }
        return new Response(assembled.context(), assembled.segments().stream().map(Segment::of).toList(),
                assembled.summaries() == null ? null : assembled.summaries().stream().map(Summary::of).toList(),
                assembled.tokensUsed(), assembled.tokensBaseline(), assembled.compressionRatio(), assembled.strategy(),
                tokenizer.name(), applied == null ? null : applied.name(), candidates.size(),
                (System.nanoTime() - started) / 1_000_000);
    }
}
