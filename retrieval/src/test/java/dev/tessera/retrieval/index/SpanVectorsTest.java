package dev.tessera.retrieval.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.embed.VectorMath;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpanVectorsTest {

    @Test
    void int8StorageKeepsEverySpanAndItsDirection() {
        Random random = new Random(7);
        List<SpanVectors.Span> spans = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            float[] v = new float[384];
            for (int d = 0; d < v.length; d++) v[d] = (float) random.nextGaussian() * (d == 0 ? 5 : 1);
            VectorMath.normalizeInPlace(v);
            spans.add(new SpanVectors.Span(i * 10, i * 10 + 7, v));
        }
        SpanVectors original = new SpanVectors(384, spans);
        byte[] bytes = original.encode();
        assertThat(bytes.length).as("about a quarter of float32").isLessThan(50 * 384 * 4 / 3);
        SpanVectors back = SpanVectors.decode(bytes);
        assertThat(back.spans()).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(back.spans().get(i).start()).isEqualTo(i * 10);
            assertThat(back.spans().get(i).end()).isEqualTo(i * 10 + 7);
            assertThat(VectorMath.cosine(back.spans().get(i).vector(), spans.get(i).vector())).isGreaterThan(0.999);
        }
        assertThat(SpanVectors.decode(new SpanVectors(8, List.of()).encode()).spans()).isEmpty();
    }

    @Test
    void otherFormatsAndTruncatedRecordsAreRefused() {
        byte[] bytes = new SpanVectors(4, List.of(new SpanVectors.Span(0, 3, new float[] {1, 0, 0, 0}))).encode();
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertThatThrownBy(() -> SpanVectors.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
        bytes[0] = 9;
        assertThatThrownBy(() -> SpanVectors.decode(bytes)).hasMessageContaining("unknown format");
    }
}
