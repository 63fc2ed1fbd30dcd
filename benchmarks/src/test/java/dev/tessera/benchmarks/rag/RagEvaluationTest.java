package dev.tessera.benchmarks.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.context.crag.CragAssembler;
import dev.tessera.retrieval.context.refrag.RefragAssembler;
import java.util.List;
import org.junit.jupiter.api.Test;

class RagEvaluationTest {

    @Test
    void variantSpecsOverrideOnlyTheKeysTheyName() {
        RefragAssembler.Settings r = RagEvaluation.refragSettings("sent=0:idf=0:widen=4");
        assertThat(r).isEqualTo(new RefragAssembler.Settings(RefragAssembler.COSINE_WEIGHT,
                RefragAssembler.LEXICAL_WEIGHT, RefragAssembler.RANK_WEIGHT, 0, false, 4));
        CragAssembler.Settings c = RagEvaluation.cragSettings("centroid=0");
        assertThat(c).isEqualTo(new CragAssembler.Settings(CragAssembler.QUERY_WEIGHT, 0, CragAssembler.RANK_WEIGHT,
                CragAssembler.LEXICAL_WEIGHT, CragAssembler.LEAD_SHARE));
    }

    @Test
    void variantSpecsRejectUnknownKeysAndMissingValues() {
        assertThatThrownBy(() -> RagEvaluation.refragSettings("centroid=0")).hasMessageContaining("unknown key centroid");
        assertThatThrownBy(() -> RagEvaluation.cragSettings("lex")).hasMessageContaining("expected key=value");
    }

    @Test
    void containmentIgnoresCaseAndPunctuationButNeedsWholeWords() {
        assertThat(RagEvaluation.contains("Rollo, in the 10th century.", List.of("10th Century"))).isTrue();
        assertThat(RagEvaluation.contains("in 1910 they", List.of("10"))).isFalse();
    }
}
