package dev.tessera.tokenizers.video.vqtoken;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * K-means with cosine distance as VQToken's {@code cluster.py} runs it, made deterministic: rows
 * are l2-normalised by the caller; seeded k-means++ (first centre uniform, the next ones drawn
 * with probability ∝ (1 − cos to the nearest centre)² + 1e-6); assignment to the highest cosine
 * with the normalised centre; centres updated as the plain mean of their members (an empty
 * cluster keeps its centre); stop when the centres move less than 1e-4 in total or after
 * {@code maxIterations}.
 */
final class CosineKMeans {

    /** A converged clustering: centres [k][d], label per row, and the distortion Σ‖x − c‖². */
    record Result(float[][] centres, int[] labels, double distortion) {
        int k() {
            return centres.length;
        }
    }

    static final double TOLERANCE = 1e-4;

    private final float[][] rows;
    private final int maxIterations;

    CosineKMeans(float[][] rows, int maxIterations) {
        this.rows = rows;
        this.maxIterations = maxIterations;
    }

    /** k-means++ from scratch. */
    Result run(int k, SplittableRandom random) {
        float[][] centres = new float[k][];
        centres[0] = rows[random.nextInt(rows.length)].clone();
        double[] nearest = new double[rows.length];
        Arrays.fill(nearest, Double.MAX_VALUE);
        for (int c = 1; c < k; c++) {
            updateNearest(nearest, centres[c - 1]);
            centres[c] = rows[sample(nearest, random)].clone();
        }
        return iterate(centres);
    }

    /** Warm start from a smaller solution: its centres plus k − previous.k() k-means++ draws. */
    Result extend(Result previous, int k, SplittableRandom random) {
        float[][] centres = Arrays.copyOf(previous.centres(), k);
        double[] nearest = new double[rows.length];
        Arrays.fill(nearest, Double.MAX_VALUE);
        for (int c = 0; c < previous.k(); c++) {
            centres[c] = centres[c].clone();
            updateNearest(nearest, centres[c]);
        }
        for (int c = previous.k(); c < k; c++) {
            centres[c] = rows[sample(nearest, random)].clone();
            updateNearest(nearest, centres[c]);
        }
        return iterate(centres);
    }

    private void updateNearest(double[] nearest, float[] centre) {
        float[] unit = unit(centre);
        for (int i = 0; i < rows.length; i++) {
            double d = 1 - dot(rows[i], unit);
            nearest[i] = Math.min(nearest[i], d);
        }
    }

    private int sample(double[] nearest, SplittableRandom random) {
        double total = 0;
        for (double d : nearest) {
            total += d * d + 1e-6;
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < nearest.length; i++) {
            r -= nearest[i] * nearest[i] + 1e-6;
            if (r <= 0) {
                return i;
            }
        }
        return nearest.length - 1;
    }

    private Result iterate(float[][] centres) {
        int k = centres.length;
        int d = rows[0].length;
        int[] labels = new int[rows.length];
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            assign(centres, labels);
            double[][] sums = new double[k][d];
            int[] counts = new int[k];
            for (int i = 0; i < rows.length; i++) {
                counts[labels[i]]++;
                for (int j = 0; j < d; j++) {
                    sums[labels[i]][j] += rows[i][j];
                }
            }
            double shift = 0;
            for (int c = 0; c < k; c++) {
                if (counts[c] == 0) {
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    float updated = (float) (sums[c][j] / counts[c]);
                    shift += (updated - centres[c][j]) * (double) (updated - centres[c][j]);
                    centres[c][j] = updated;
                }
            }
            if (Math.sqrt(shift) < TOLERANCE) {
                break;
            }
        }
        assign(centres, labels);
        double distortion = 0;
        for (int i = 0; i < rows.length; i++) {
            float[] c = centres[labels[i]];
            for (int j = 0; j < d; j++) {
                double diff = rows[i][j] - c[j];
                distortion += diff * diff;
            }
        }
        return new Result(centres, labels, distortion);
    }

    private void assign(float[][] centres, int[] labels) {
        float[][] units = new float[centres.length][];
        for (int c = 0; c < centres.length; c++) {
            units[c] = unit(centres[c]);
        }
        for (int i = 0; i < rows.length; i++) {
            int best = 0;
            double bestCos = -Double.MAX_VALUE;
            for (int c = 0; c < units.length; c++) {
                double cos = dot(rows[i], units[c]);
                if (cos > bestCos) {
                    bestCos = cos;
                    best = c;
                }
            }
            labels[i] = best;
        }
    }

    static float[] unit(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        float[] out = new float[v.length];
        if (norm < 1e-12) {
            return out;
        }
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
