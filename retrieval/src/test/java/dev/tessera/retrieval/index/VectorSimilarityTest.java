package dev.tessera.retrieval.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VectorSimilarityTest {

    @Test
    void cosineKeepsAUnitVectorBitForBitAndScalesAnyOther() {
        float[] unit = {0.6f, 0.8f, 0f};
        float[] almost = {0.60000004f, 0.79999995f, 1e-4f}; // a normaliser's float rounding
        assertThat(VectorSimilarity.COSINE.prepare(unit)).containsExactly(unit).isNotSameAs(unit);
        assertThat(VectorSimilarity.COSINE.prepare(almost)).containsExactly(almost);

        float[] scaled = VectorSimilarity.COSINE.prepare(new float[] {3, 4, 0});
        assertThat(scaled).containsExactly(new float[] {0.6f, 0.8f, 0f}, within(1e-7f));
        float[] nearlyUnit = VectorSimilarity.COSINE.prepare(new float[] {0.6f, 0.81f, 0f}); // 1.5 % too long
        double norm = 0;
        for (float x : nearlyUnit) {
            norm += x * x;
        }
        assertThat(norm).isCloseTo(1.0, within(1e-6));
        assertThatThrownBy(() -> VectorSimilarity.COSINE.prepare(new float[3])).isInstanceOf(IllegalArgumentException.class);
        float[] raw = {3, 4};
        assertThat(VectorSimilarity.DOT.prepare(raw)).isSameAs(raw);
    }
}
