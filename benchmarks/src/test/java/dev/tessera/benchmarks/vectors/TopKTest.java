package dev.tessera.benchmarks.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {

    @Test
    void keepsTheHighestScoresInOrder() {
        TopK top = new TopK(3);
        float[] scores = {0.1f, 0.9f, 0.5f, 0.7f, 0.2f, 0.95f};
        for (int i = 0; i < scores.length; i++) {
            top.offer(i, scores[i]);
        }
        assertThat(top.ids()).containsExactly(5, 1, 3);
    }

    @Test
    void exactSearchAgreesWithSortingEveryScore() {
        Random r = new Random(1);
        float[][] vectors = new float[500][8];
        for (float[] v : vectors) {
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) r.nextGaussian();
            }
        }
        float[] q = vectors[17];
        int[] expected = IntStream.range(0, 400).boxed()
                .sorted((a, b) -> Float.compare(dot(q, vectors[b]), dot(q, vectors[a])))
                .limit(10).mapToInt(Integer::intValue).toArray();
        assertThat(new ExactSearch(vectors, 400).nearest(q, 10)).containsExactly(expected);
    }

    @Test
    void recallCountsSharedIds() {
        int[][] truth = {{1, 2, 3, 4}, {5, 6, 7, 8}};
        int[][] found = {{1, 2, 9, 4}, {8, 7, 6, 5}};
        assertThat(VectorBenchmark.recall(found, truth)).isEqualTo(7.0 / 8);
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
