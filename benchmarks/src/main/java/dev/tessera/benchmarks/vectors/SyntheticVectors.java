package dev.tessera.benchmarks.vectors;

import dev.tessera.benchmarks.report.Progress;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.lucene.util.VectorUtil;

/**
 * More vectors than were embedded, made from real ones so the neighbourhood structure stays
 * realistic: synthetic vector {@code j} is a real vector {@code a} (each real vector in turn) moved
 * part of the way towards one of its {@value #NEIGHBOURS} true nearest real neighbours {@code b}, plus
 * Gaussian noise of the size of that step, then normalised:
 * {@code normalise(a + λ·(b − a) + σ·|b − a|·ε/√d)}, λ ~ U(0.1, 0.5), σ = 0.3. Such a vector lies
 * among the real neighbours of its anchor, as a paraphrase of a passage would, rather than on a
 * random point of the sphere (which would make every search trivially easy or uniformly hard).
 * The result is synthetic and every table built on it says so.
 */
final class SyntheticVectors {

    static final int NEIGHBOURS = 8;
    private static final double NOISE = 0.3;

    private SyntheticVectors() {}

    /** The {@code real} vectors followed by synthetic ones, {@code total} rows in all. */
    static float[][] expand(float[][] real, int total, long seed) {
        if (total <= real.length) {
            return real;
        }
        int[][] neighbours = nearestNeighbours(real);
        float[][] out = new float[total][];
        System.arraycopy(real, 0, out, 0, real.length);
        int d = real[0].length;
        Progress progress = new Progress("synthetic vectors", total - real.length);
        IntStream.range(real.length, total).parallel().forEach(j -> {
            Random random = new Random(seed * 1_000_003L + j);
            int anchor = j % real.length;
            float[] a = real[anchor];
            float[] b = real[neighbours[anchor][random.nextInt(NEIGHBOURS)]];
            double lambda = 0.1 + 0.4 * random.nextDouble();
            double step = 0;
            for (int i = 0; i < d; i++) {
                step += (b[i] - a[i]) * (b[i] - a[i]);
            }
            double sigma = NOISE * Math.sqrt(step / d);
            float[] v = new float[d];
            double norm = 0;
            for (int i = 0; i < d; i++) {
                v[i] = (float) (a[i] + lambda * (b[i] - a[i]) + sigma * random.nextGaussian());
                norm += v[i] * v[i];
            }
            float scale = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < d; i++) {
                v[i] *= scale;
            }
            out[j] = v;
            if ((j - real.length) % 10_000 == 0) {
                progress.advance(10_000);
            }
        });
        return out;
    }

    /** Each real vector's exact nearest real neighbours (itself excluded), by brute force on every core. */
    static int[][] nearestNeighbours(float[][] real) {
        int[][] out = new int[real.length][];
        Progress progress = new Progress("true neighbours of the real vectors", real.length);
        AtomicInteger done = new AtomicInteger();
        IntStream.range(0, real.length).parallel().forEach(q -> {
            TopK top = new TopK(NEIGHBOURS + 1);
            for (int i = 0; i < real.length; i++) {
                top.offer(i, VectorUtil.dotProduct(real[q], real[i]));
            }
            int[] ids = top.ids();
            int[] kept = new int[NEIGHBOURS];
            int n = 0;
            for (int id : ids) {
                if (id != q && n < NEIGHBOURS) {
                    kept[n++] = id;
                }
            }
            out[q] = kept;
            if (done.incrementAndGet() % 1_000 == 0) {
                progress.advance(1_000);
            }
        });
        return out;
    }
}
