package dev.tessera.retrieval.context.topk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextTokenizer;
import dev.tessera.retrieval.context.Hits;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopKAssemblerTest {

    private final ContextTokenizer o200k = ContextTokenizer.openAi("o200k_base");
    private final TopKAssembler topk = new TopKAssembler();

    @Test
    void takesWholeCandidatesInRankOrderAndCutsTheLastAtASentenceEnd() {
        String first = "Alpha is the first passage.";
        String second = "Beta opens the second passage. It has a middle sentence. And a third one that is rather long.";
        String third = "Gamma never makes it.";
        String fitsTwoSentences = first + "\n\n" + "Beta opens the second passage. It has a middle sentence.";
        int budget = o200k.count(fitsTwoSentences) + 1;

        AssembledContext result = topk.assemble(new ContextRequest("q", budget, 0, o200k), Hits.of(first, second, third));

        assertThat(result.context()).isEqualTo(fitsTwoSentences);
        assertThat(result.segments()).extracting(s -> s.docId()).containsExactly("d0", "d1");
        assertThat(result.segments().get(1).end() - result.segments().get(1).start())
                .isEqualTo("Beta opens the second passage. It has a middle sentence.".length());
        assertThat(result.tokensUsed()).isEqualTo(o200k.count(fitsTwoSentences));
        assertThat(result.compressionRatio()).isGreaterThan(1.0);
    }

    @Test
    void everythingFitsGivesThePlainConcatenation() {
        AssembledContext result = topk.assemble(new ContextRequest("q", 1000, 0, o200k), Hits.of("One.", "Two."));
        assertThat(result.context()).isEqualTo("One.\n\nTwo.");
        assertThat(result.tokensUsed()).isEqualTo(result.tokensBaseline());
    }

    @Test
    void aFirstSentenceOverBudgetIsCutAtAWordBoundary() {
        AssembledContext result = topk.assemble(new ContextRequest("q", 10, 5, o200k),
                Hits.of("one two three four five six seven eight nine ten eleven twelve."));
        assertThat(result.context()).isEqualTo("one two three four five");
        assertThat(result.tokensUsed()).isLessThanOrEqualTo(5);
    }

    @Test
    void noCandidatesGiveAnEmptyContext() {
        AssembledContext result = topk.assemble(new ContextRequest("q", 100, 0, o200k), List.of());
        assertThat(result.context()).isEmpty();
        assertThat(result.segments()).isEmpty();
        assertThat(result.tokensUsed()).isZero();
        assertThat(result.tokensBaseline()).isZero();
        assertThat(result.compressionRatio()).isZero();
    }
}
