package dev.tessera.tokenizers.video.vqtoken;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * VQToken's training-free core ("Neural Discrete Token Representation Learning for Extreme Token
 * Reduction in Video LLMs"): the patch vectors of all sampled frames, l2-normalised, are
 * clustered with cosine k-means into a tiny codebook (K fixed, or adaptive by the official elbow
 * rule over [kMin, kMax], each K warm-started from the previous); the "token hash" maps every
 * (frame, row, column) to its entry. Entries are relabelled in order of first appearance (raster
 * over t, y, x), so the same video gives the same answer and ids read in time order.
 * Deterministic: k-means++ draws from a seeded generator (the release uses the global RNG).
 */
public final class VQToken {

    /**
     * @param numTokens     K; 0 = adaptive
     * @param kMin          adaptive range, low end (official 12)
     * @param kMax          adaptive range, high end (official max_K 32)
     * @param maxIterations k-means iterations per K (official 100)
     * @param seed          k-means++ seed
     */
    public record Options(int numTokens, int kMin, int kMax, int maxIterations, long seed) {
        public static Options adaptive() {
            return new Options(0, 12, 32, 100, 0);
        }

        public static Options fixed(int k) {
            return new Options(k, 12, 32, 100, 0);
        }

        public Options {
            if (numTokens < 0 || kMin < 1 || kMax < kMin || maxIterations < 1) {
                throw new IllegalArgumentException("need num_tokens ≥ 0 and 1 ≤ k_min ≤ k_max");
            }
        }
    }

    /**
     * @param tokens           the K codebook ids in order of first appearance (0 … K−1)
     * @param frames           T, frames sampled
     * @param height           patch rows per frame
     * @param width            patch columns per frame
     * @param index            codebook id of every patch, [T × height × width] raster order
     * @param codebook         K × D cluster means of the normalised patch vectors
     * @param compressionRatio K / (T · height · width)
     * @param fidelity         mean cosine between each patch vector and its codebook entry
     * @param adaptive         K chosen by the elbow rule
     * @param distortions      adaptive only: Σ‖x − c‖² for K = kMin … kMax, else empty
     */
    public record Result(int[] tokens, int frames, int height, int width, int[] index, float[][] codebook,
                         double compressionRatio, double fidelity, boolean adaptive, double[] distortions) {
        public int k() {
            return tokens.length;
        }
    }

    private VQToken() {}

    /** @param patches per frame [h·w × D] raster order (as {@link PatchEmbedder#embed} gives them) */
    public static Result tokenize(List<float[]> patches, int height, int width, Options options) {
        if (patches.isEmpty()) {
            throw new IllegalArgumentException("no frames");
        }
        int perFrame = height * width;
        int d = patches.getFirst().length / perFrame;
        float[][] rows = new float[patches.size() * perFrame][];
        for (int t = 0; t < patches.size(); t++) {
            float[] frame = patches.get(t);
            if (frame.length != perFrame * d) {
                throw new IllegalArgumentException("frame " + t + " has " + frame.length + " values, expected " + perFrame * d);
            }
            for (int p = 0; p < perFrame; p++) {
                rows[t * perFrame + p] = CosineKMeans.unit(Arrays.copyOfRange(frame, p * d, (p + 1) * d));
            }
        }
        int n = rows.length;
        CosineKMeans kmeans = new CosineKMeans(rows, options.maxIterations());
        SplittableRandom random = new SplittableRandom(options.seed());
        CosineKMeans.Result chosen;
        double[] distortions = new double[0];
        if (options.numTokens() > 0) {
            chosen = kmeans.run(Math.min(options.numTokens(), n), random);
        } else {
            int kMin = Math.min(options.kMin(), n);
            int kMax = Math.min(options.kMax(), n);
            List<CosineKMeans.Result> sweep = new ArrayList<>();
            CosineKMeans.Result current = kmeans.run(kMin, random);
            sweep.add(current);
            for (int k = kMin + 1; k <= kMax; k++) {
                current = kmeans.extend(current, k, random);
                sweep.add(current);
            }
            distortions = sweep.stream().mapToDouble(CosineKMeans.Result::distortion).toArray();
            int k = elbow(distortions, kMin, kMax);
            chosen = sweep.get(k - kMin);
        }
        return relabel(chosen, rows, patches.size(), height, width, options.numTokens() == 0, distortions);
    }

    /**
     * The release's elbow rule: j = argmax of the second difference of the distortions (index 0 =
     * the first triple), K = max(kMin, j + 4), kept within [kMin, kMax]. With the official 12…32 it
     * lands in 12…22. Fewer than three values: kMin.
     */
    static int elbow(double[] distortions, int kMin, int kMax) {
        if (distortions.length < 3) {
            return kMin;
        }
        int best = 0;
        double bestValue = -Double.MAX_VALUE;
        for (int j = 0; j + 2 < distortions.length; j++) {
            double second = distortions[j] - 2 * distortions[j + 1] + distortions[j + 2];
            if (second > bestValue) {
                bestValue = second;
                best = j;
            }
        }
        return Math.min(kMax, Math.max(kMin, best + 4));
    }

    private static Result relabel(CosineKMeans.Result r, float[][] rows, int frames, int height, int width,
                                  boolean adaptive, double[] distortions) {
        int k = r.k();
        int[] order = new int[k];
        Arrays.fill(order, -1);
        int next = 0;
        int[] index = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int label = r.labels()[i];
            if (order[label] < 0) {
                order[label] = next++;
            }
            index[i] = order[label];
        }
        // Entries no patch ended up in (possible after the final assignment) are dropped.
        float[][] codebook = new float[next][];
        for (int c = 0; c < k; c++) {
            if (order[c] >= 0) {
                codebook[order[c]] = r.centres()[c].clone();
            }
        }
        double fidelity = 0;
        float[][] units = new float[next][];
        for (int c = 0; c < next; c++) {
            units[c] = CosineKMeans.unit(codebook[c]);
        }
        for (int i = 0; i < rows.length; i++) {
            fidelity += CosineKMeans.dot(rows[i], units[index[i]]);
        }
        int[] tokens = new int[next];
        for (int i = 0; i < next; i++) {
            tokens[i] = i;
        }
        return new Result(tokens, frames, height, width, index, codebook, (double) next / rows.length,
                fidelity / rows.length, adaptive, distortions);
    }
}
