package dev.tessera.retrieval.context.crag;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Lloyd's k-means with k-means++ seeding on squared Euclidean distance (for unit vectors a
 * monotone function of cosine). Deterministic for a given seed: ties go to the lowest index, and
 * a cluster that empties keeps its previous centroid.
 */
public final class KMeans {

    public static final int MAX_ITERATIONS = 50;

    /** {@code assignment[i]} is the cluster of point {@code i}; clusters are {@code 0..k-1}. */
    public record Result(int[] assignment, float[][] centroids, int iterations) {}

    private KMeans() {}

    public static Result cluster(List<float[]> points, int k, long seed) {
        int n = points.size();
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k must be in [1, " + n + "], was " + k);
        }
        float[][] centroids = seed(points, k, new Random(seed));
        int[] assignment = new int[n];
        Arrays.fill(assignment, -1);
        int iteration = 0;
        while (iteration < MAX_ITERATIONS) {
            iteration++;
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int nearest = nearest(points.get(i), centroids);
                if (nearest != assignment[i]) {
                    assignment[i] = nearest;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
            recomputeCentroids(points, assignment, centroids);
        }
        return new Result(assignment, centroids, iteration);
    }

    /** k-means++: the first centre uniformly, each further one with probability ∝ squared distance to the nearest centre. */
    private static float[][] seed(List<float[]> points, int k, Random random) {
        int n = points.size();
        float[][] centroids = new float[k][];
        boolean[] chosen = new boolean[n];
        int first = random.nextInt(n);
        centroids[0] = points.get(first).clone();
        chosen[first] = true;
        double[] nearestSq = new double[n];
        for (int i = 0; i < n; i++) nearestSq[i] = squaredDistance(points.get(i), centroids[0]);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double d : nearestSq) total += d;
            int pick = -1;
            if (total > 0) {
                double target = random.nextDouble() * total;
                for (int i = 0; i < n; i++) {
                    target -= nearestSq[i];
                    if (target < 0 && !chosen[i]) {
                        pick = i;
                        break;
                    }
                }
            }
            if (pick < 0) {
                // All remaining mass is zero or rounding ran off the end: take the farthest unchosen point.
                double far = -1;
                for (int i = 0; i < n; i++) {
                    if (!chosen[i] && nearestSq[i] > far) {
                        far = nearestSq[i];
                        pick = i;
                    }
                }
            }
            chosen[pick] = true;
            centroids[c] = points.get(pick).clone();
            for (int i = 0; i < n; i++) {
                nearestSq[i] = Math.min(nearestSq[i], squaredDistance(points.get(i), centroids[c]));
            }
        }
        return centroids;
    }

    private static void recomputeCentroids(List<float[]> points, int[] assignment, float[][] centroids) {
        int dim = centroids[0].length;
        double[][] sums = new double[centroids.length][dim];
        int[] counts = new int[centroids.length];
        for (int i = 0; i < points.size(); i++) {
            float[] p = points.get(i);
            double[] sum = sums[assignment[i]];
            for (int d = 0; d < dim; d++) sum[d] += p[d];
            counts[assignment[i]]++;
        }
        for (int c = 0; c < centroids.length; c++) {
            if (counts[c] == 0) continue;
            for (int d = 0; d < dim; d++) centroids[c][d] = (float) (sums[c][d] / counts[c]);
        }
    }

    static int nearest(float[] point, float[][] centroids) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.length; c++) {
            double d = squaredDistance(point, centroids[c]);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    static double squaredDistance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
