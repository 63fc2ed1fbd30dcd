package dev.tessera.retrieval.context;

import dev.tessera.retrieval.index.ChunkHit;
import java.util.List;

/**
 * Builds the best context for a query from retrieved candidates under a token budget. Every
 * implementation guarantees {@code tokensUsed <= budgetTokens - reserveTokens}, counted on the
 * final context string with the request's tokenizer, and returns an empty context for no
 * candidates. Implementations are thread-safe.
 */
public interface ContextAssembler {

    /** Between whole passages in every strategy's rendering and in the baseline. */
    String SEPARATOR = "\n\n";

    /** The strategy's wire name: {@code topk}, {@code crag} or {@code refrag}. */
    String strategy();

    /** @param candidates retrieval hits in rank order, best first */
    AssembledContext assemble(ContextRequest request, List<ChunkHit> candidates);

    /** Tokens of the plain concatenation of all candidates, the figure every strategy is compared with. */
    static int baselineTokens(ContextRequest request, List<ChunkHit> candidates) {
        return request.tokenizer().count(String.join(SEPARATOR, candidates.stream().map(ChunkHit::text).toList()));
    }
}
