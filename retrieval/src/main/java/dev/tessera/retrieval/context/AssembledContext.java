package dev.tessera.retrieval.context;

import java.util.List;

/**
 * The assembled context. {@code tokensUsed} is counted on {@code context} itself and never exceeds
 * the request's {@code budgetTokens - reserveTokens}.
 *
 * @param tokensBaseline tokens of the plain concatenation of all candidates ({@link ContextAssembler#SEPARATOR}-joined)
 * @param compressionRatio {@code tokensBaseline / tokensUsed}; 0 when nothing was used
 */
public record AssembledContext(
        String context, List<ContextSegment> segments, int tokensUsed, int tokensBaseline, double compressionRatio,
        String strategy) {

    public static AssembledContext of(String strategy, String context, List<ContextSegment> segments, int tokensUsed,
            int tokensBaseline) {
        double ratio = tokensUsed == 0 ? 0 : (double) tokensBaseline / tokensUsed;
        return new AssembledContext(context, List.copyOf(segments), tokensUsed, tokensBaseline, ratio, strategy);
    }

    /** The same context with other segment metadata (the text is unchanged). */
    public AssembledContext withSegments(List<ContextSegment> replaced) {
        return new AssembledContext(context, List.copyOf(replaced), tokensUsed, tokensBaseline, compressionRatio,
                strategy);
    }
}
