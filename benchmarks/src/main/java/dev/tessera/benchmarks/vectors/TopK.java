package dev.tessera.benchmarks.vectors;

import java.util.Arrays;

/** The k highest-scoring ids seen so far, kept sorted; k is small, so insertion beats a heap. */
final class TopK {

    private final int[] ids;
    private final float[] scores;
    private int size;

    TopK(int k) {
        ids = new int[k];
        scores = new float[k];
    }

    void offer(int id, float score) {
        if (size == ids.length && score <= scores[size - 1]) {
            return;
        }
        int i = size == ids.length ? size - 1 : size++;
        while (i > 0 && scores[i - 1] < score) {
            ids[i] = ids[i - 1];
            scores[i] = scores[i - 1];
            i--;
        }
        ids[i] = id;
        scores[i] = score;
    }

    int[] ids() {
        return Arrays.copyOf(ids, size);
    }
}
