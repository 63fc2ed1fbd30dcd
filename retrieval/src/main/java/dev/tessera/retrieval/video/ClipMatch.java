package dev.tessera.retrieval.video;

/**
 * How well a stored clip matches an example, computed exactly from both codebooks and the clip's
 * position map. Clip score: a symmetric chamfer similarity, the mean of
 * Σ_q share(q) · max_e cos(q, e) ("how much of the example is in the clip") and
 * Σ_e share(e) · max_q cos(e, q) ("how much of the clip is the example"), over the example's
 * entries q and the clip's entries e, each weighted by the share of patches it holds — so a clip
 * that is the example throughout ranks above one that shows it for a moment. Where: every frame t gets
 * the same sum restricted to the entries present in t; the span is the contiguous run of frames
 * around the best one whose score stays above the midpoint between the clip's best and worst frame
 * (a clip that matches throughout gives its whole length).
 */
public final class ClipMatch {

    private ClipMatch() {}

    /** Score and span of {@code clip} for {@code query}; null when their dimensions differ. */
    public static ClipHit score(ClipQuery query, IndexedClip clip) {
        if (query.dimension() != clip.dimension()) {
            return null;
        }
        float[][] q = unit(query.entries());
        float[][] e = unit(clip.codebook());
        double[][] sim = new double[q.length][e.length];
        double contained = 0;
        for (int i = 0; i < q.length; i++) {
            double best = -1;
            for (int j = 0; j < e.length; j++) {
                double s = 0;
                for (int d = 0; d < q[i].length; d++) {
                    s += q[i][d] * e[j][d];
                }
                sim[i][j] = s;
                best = Math.max(best, s);
            }
            contained += query.shares()[i] * best;
        }
        double[] clipShares = clip.shares();
        double covered = 0;
        for (int j = 0; j < e.length; j++) {
            double best = -1;
            for (int i = 0; i < q.length; i++) {
                best = Math.max(best, sim[i][j]);
            }
            covered += clipShares[j] * best;
        }
        double score = Math.max(-1, Math.min(1, (contained + covered) / 2));   // float rounding can pass 1
        int perFrame = clip.height() * clip.width();
        double[] frameScore = new double[clip.frames()];
        boolean[] present = new boolean[e.length];
        int bestFrame = 0;
        for (int t = 0; t < clip.frames(); t++) {
            java.util.Arrays.fill(present, false);
            for (int p = t * perFrame; p < (t + 1) * perFrame; p++) {
                present[clip.positions()[p]] = true;
            }
            double s = 0;
            for (int i = 0; i < q.length; i++) {
                double best = -1;
                for (int j = 0; j < e.length; j++) {
                    if (present[j]) {
                        best = Math.max(best, sim[i][j]);
                    }
                }
                s += query.shares()[i] * best;
            }
            frameScore[t] = s;
            if (s > frameScore[bestFrame]) {
                bestFrame = t;
            }
        }
        double worst = java.util.Arrays.stream(frameScore).min().orElse(0);
        double threshold = (frameScore[bestFrame] + worst) / 2;
        int first = bestFrame;
        int last = bestFrame;
        while (first > 0 && frameScore[first - 1] >= threshold) {
            first--;
        }
        while (last < clip.frames() - 1 && frameScore[last + 1] >= threshold) {
            last++;
        }
        long start = clip.timesMs()[first];
        long end = last + 1 < clip.frames() ? clip.timesMs()[last + 1] : clip.durationMs();
        return new ClipHit(clip.id(), clip.source(), clip.backbone(), score, start, Math.max(start, end),
                clip.durationMs(), clip.metadata());
    }

    static float[][] unit(float[][] vectors) {
        float[][] out = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            out[i] = unit(vectors[i]);
        }
        return out;
    }

    static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[v.length];
        if (norm == 0 || !Double.isFinite(norm)) {
            return out;
        }
        for (int d = 0; d < v.length; d++) {
            out[d] = (float) (v[d] / norm);
        }
        return out;
    }
}
