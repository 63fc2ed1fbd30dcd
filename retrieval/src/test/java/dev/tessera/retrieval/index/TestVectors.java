package dev.tessera.retrieval.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Vectors for index tests: unit length, grouped around random centres as embeddings group by topic. */
public final class TestVectors {

    private TestVectors() {}

    /** {@code count} unit vectors of {@code dimension} around {@code centres} Gaussian centres (spread 0.6). */
    public static List<float[]> clustered(int count, int dimension, int centres, long seed) {
        Random random = new Random(seed);
        float[][] c = new float[centres][dimension];
        for (float[] centre : c) {
            for (int i = 0; i < dimension; i++) {
                centre[i] = (float) random.nextGaussian();
            }
        }
        List<float[]> out = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            float[] centre = c[random.nextInt(centres)];
            float[] v = new float[dimension];
            double norm = 0;
            for (int i = 0; i < dimension; i++) {
                v[i] = centre[i] + 0.6f * (float) random.nextGaussian();
                norm += v[i] * v[i];
            }
            for (int i = 0; i < dimension; i++) {
                v[i] /= (float) Math.sqrt(norm);
            }
            out.add(v);
        }
        return out;
    }

    public static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
