package dev.tessera.benchmarks.vectors;

import org.apache.lucene.util.VectorUtil;

/** Brute-force nearest neighbours by dot product: the ground truth and the baseline engine. */
final class ExactSearch {

    private final float[][] vectors;
    private final int size;

    /** Searches the first {@code size} rows only, so one matrix serves every benchmark size. */
    ExactSearch(float[][] vectors, int size) {
        this.vectors = vectors;
        this.size = size;
    }

    int[] nearest(float[] query, int k) {
        TopK top = new TopK(k);
        for (int i = 0; i < size; i++) {
            top.offer(i, VectorUtil.dotProduct(query, vectors[i]));
        }
        return top.ids();
    }
}
