package dev.tessera.retrieval.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.embed.DjlEmbedder;
import dev.tessera.retrieval.embed.EmbeddingModelSpec;
import dev.tessera.retrieval.index.ChunkHit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One end-to-end check with the real bge-small encoder on SQuAD-2 passages (Normans article). */
class RealModelContextTest {

    private static DjlEmbedder bge;

    @BeforeAll
    static void load() {
        bge = DjlEmbedder.load(EmbeddingModelSpec.BGE_SMALL_EN_V15, "cpu", 1, 32);
    }

    @AfterAll
    static void close() {
        bge.close();
    }

    @Test
    void refragFindsTheAnswerSentenceInASmallBudgetWhereTopKRunsOut() {
        List<ChunkHit> candidates = Hits.of(
                "The Norman dynasty had a major political, cultural and military impact on medieval Europe and even "
                        + "the Near East. The Normans were famed for their martial spirit and eventually for their "
                        + "Christian piety, becoming exponents of the Catholic orthodoxy into which they assimilated.",
                "The English name \"Normans\" comes from the French words Normans/Normanz, plural of Normant, modern "
                        + "French normand, which is itself borrowed from Old Low Franconian Nortmann \"Northman\".",
                "The Normans (Norman: Nourmands; French: Normands; Latin: Normanni) were the people who in the 10th "
                        + "and 11th centuries gave their name to Normandy, a region in France. They were descended from "
                        + "Norse raiders and pirates from Denmark, Iceland and Norway who, under their leader Rollo, "
                        + "agreed to swear fealty to King Charles III of West Francia.");
        ContextAssemblers assemblers = new ContextAssemblers(bge);
        ContextRequest request = new ContextRequest("Who was the Norse leader?", 64, 0, ContextTokenizer.openAi("o200k_base"));

        AssembledContext topk = assemblers.forStrategy("topk").assemble(request, candidates);
        AssembledContext refrag = assemblers.forStrategy("refrag").assemble(request, candidates);
        AssembledContext crag = assemblers.forStrategy("crag").assemble(request, candidates);

        assertThat(topk.context()).doesNotContain("Rollo");
        assertThat(refrag.context()).contains("Rollo");
        for (AssembledContext c : List.of(topk, refrag, crag)) {
            assertThat(c.tokensUsed()).isLessThanOrEqualTo(64);
        }
    }
}
