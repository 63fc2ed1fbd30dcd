package dev.tessera.benchmarks.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextPoolTest {

    private static final String DOC = "The wing was tested in a wind tunnel at high speed. "
            + "Lift rose with the angle of attack until the flow separated from the upper surface. "
            + "Drag measurements agree with the theory of thin aerofoils within ten percent over the range.";

    @Test
    void sentencesComeFirstThenDistinctWindowsInAFixedOrder() {
        List<String> pool = TextPool.build(List.of(DOC), 10);
        assertThat(pool).hasSize(10).doesNotHaveDuplicates();
        assertThat(pool).contains("The wing was tested in a wind tunnel at high speed.");
        assertThat(TextPool.build(List.of(DOC), 10)).isEqualTo(pool);
        pool.forEach(t -> assertThat(t.split(" ").length).isBetween(TextPool.MIN_SENTENCE_WORDS, TextPool.MAX_WINDOW));
    }
}
