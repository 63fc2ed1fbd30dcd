package dev.tessera.retrieval.context;

import dev.tessera.retrieval.context.crag.ClusterSummary;
import java.util.List;

/**
 * The assembled context. {@code tokensUsed} is counted on {@code context} itself and never exceeds
 * the request's {@code budgetTokens - reserveTokens}.
 *
 * @param tokensBaseline tokens of the plain concatenation of all candidates ({@link ContextAssembler#SEPARATOR}-joined)
 * @param compressionRatio {@code tokensBaseline / tokensUsed}; 0 when nothing was used
 * @param summaries abstractive crag: the paragraphs of {@code context}, one per cluster, written
 *     from the cluster's {@code segments}; {@code null} otherwise
 */
public record AssembledContext(
        String context, List<ContextSegment> segments, int tokensUsed, int tokensBaseline, double compressionRatio,
        String strategy, List<ClusterSummary> summaries) {

    public static AssembledContext of(String strategy, String context, List<ContextSegment> segments, int tokensUsed,
            int tokensBaseline) {
        return new AssembledContext(context, List.copyOf(segments), tokensUsed, tokensBaseline,
                ratio(tokensBaseline, tokensUsed), strategy, null);
    }

    private static double ratio(int baseline, int used) {
        return used == 0 ? 0 : (double) baseline / used;
    }

    /** The same context with other segment metadata (the text is unchanged). */
    public AssembledContext withSegments(List<ContextSegment> replaced) {
        return new AssembledContext(context, List.copyOf(replaced), tokensUsed, tokensBaseline, compressionRatio,
                strategy, summaries);
    }

    /** This context's segments under a new text made of {@code paragraphs}, {@code used} tokens long. */
    public AssembledContext rewritten(String text, int used, List<ClusterSummary> paragraphs) {
        return new AssembledContext(text, segments, used, tokensBaseline, ratio(tokensBaseline, used), strategy,
                List.copyOf(paragraphs));
    }
}
