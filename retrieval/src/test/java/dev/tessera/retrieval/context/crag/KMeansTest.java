package dev.tessera.retrieval.context.crag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.embed.VectorMath;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KMeansTest {

    /** Three tight groups of unit vectors around three orthogonal directions, shuffled. */
    private static List<float[]> threeBlobs(long seed) {
        Random random = new Random(seed);
        List<float[]> points = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            float[] v = new float[8];
            v[i % 3] = 1;
            for (int d = 0; d < v.length; d++) v[d] += (float) (random.nextGaussian() * 0.05);
            VectorMath.normalizeInPlace(v);
            points.add(v);
        }
        return points;
    }

    @Test
    void sameInputAndSeedGiveTheSameClusters() {
        List<float[]> points = threeBlobs(7);
        KMeans.Result a = KMeans.cluster(points, 3, CragAssembler.SEED);
        KMeans.Result b = KMeans.cluster(threeBlobs(7), 3, CragAssembler.SEED);
        assertThat(a.assignment()).isEqualTo(b.assignment());
        for (int c = 0; c < 3; c++) assertThat(a.centroids()[c]).isEqualTo(b.centroids()[c]);
    }

    @Test
    void separatedGroupsEndUpInSeparateClusters() {
        List<float[]> points = threeBlobs(11);
        for (long seed : new long[] {1, 2, 3, CragAssembler.SEED}) {
            int[] assignment = KMeans.cluster(points, 3, seed).assignment();
            for (int i = 0; i < points.size(); i++) {
                // points i and i+3 share a direction; i and i+1 do not.
                if (i + 3 < points.size()) assertThat(assignment[i]).isEqualTo(assignment[i + 3]);
                if (i + 1 < points.size()) assertThat(assignment[i]).isNotEqualTo(assignment[i + 1]);
            }
        }
    }

    @Test
    void oneClusterPerPointWhenKEqualsN() {
        List<float[]> points = threeBlobs(3).subList(0, 5);
        int[] assignment = KMeans.cluster(points, 5, 42).assignment();
        assertThat(java.util.Arrays.stream(assignment).distinct().count()).isEqualTo(5);
    }
}
