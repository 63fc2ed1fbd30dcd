package dev.tessera.retrieval.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tessera.retrieval.filter.Filter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneVideoIndexTest {

    @TempDir
    Path dir;

    private static final int DIM = 12;
    private static final float[][] BASIS = basis(6, DIM, 7);

    /** Orthonormal-ish random directions: entry i of a clip is BASIS[i] plus a little noise. */
    private static float[][] basis(int n, int dim, long seed) {
        Random r = new Random(seed);
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) {
            out[i][i] = 1f;
            for (int d = 0; d < dim; d++) {
                out[i][d] += (float) (0.05 * r.nextGaussian());
            }
        }
        return out;
    }

    /** A clip of {@code frames} frames (one per second, 2×2 patches); frame t shows the entries scene(t). */
    private static IndexedClip clip(String id, String backbone, Map<String, Object> metadata, int frames,
                                    java.util.function.IntFunction<int[]> scene) {
        List<Integer> used = new java.util.ArrayList<>();
        int[] positions = new int[frames * 4];
        for (int t = 0; t < frames; t++) {
            int[] s = scene.apply(t);
            for (int p = 0; p < 4; p++) {
                int basisIndex = s[p % s.length];
                if (!used.contains(basisIndex)) {
                    used.add(basisIndex);
                }
                positions[t * 4 + p] = used.indexOf(basisIndex);
            }
        }
        float[][] codebook = used.stream().map(i -> BASIS[i].clone()).toArray(float[][]::new);
        long[] times = new long[frames];
        for (int t = 0; t < frames; t++) {
            times[t] = 1000L * t;
        }
        return new IndexedClip(id, id + ".mp4", backbone, metadata, frames, 2, 2, positions, times, codebook);
    }

    private static IndexedClip redBlue(String id) {
        return clip(id, "b", Map.of("kind", "swap"), 10, t -> new int[] {0, 1});
    }

    @Test
    void findsClipsHoldingTheExampleAndWhereInTheClipItIs() {
        try (LuceneVideoIndex index = LuceneVideoIndex.open(dir)) {
            index.put(redBlue("a"));
            index.put(clip("b", "b", Map.of(), 10, t -> new int[] {2, 3}));
            // c: five seconds of something else, then the red/blue scene
            index.put(clip("c", "b", Map.of(), 10, t -> t < 5 ? new int[] {4, 5} : new int[] {0, 1}));
            IndexedClip example = clip("q", "b", Map.of(), 3, t -> new int[] {0, 1});
            List<ClipHit> hits = index.search(ClipQuery.of(example), 10, Filter.ALL, null);
            assertThat(hits).extracting(ClipHit::id).containsExactly("a", "c", "b");
            assertThat(hits.get(0).score()).isGreaterThan(0.95);
            assertThat(hits.get(2).score()).isLessThan(0.5);
            ClipHit c = hits.get(1);
            assertThat(c.startMs()).isEqualTo(5000);
            assertThat(c.endMs()).isEqualTo(10000);
            assertThat(c.durationMs()).isEqualTo(10000);
            assertThat(hits.get(0).startMs()).isZero();   // a matches throughout
            assertThat(hits.get(0).endMs()).isEqualTo(10000);
        }
    }

    @Test
    void comparesOnlyClipsOfTheSameBackboneAndHonoursFiltersAndExclusion() {
        try (LuceneVideoIndex index = LuceneVideoIndex.open(dir)) {
            index.put(redBlue("a"));
            index.put(clip("other", "another-backbone", Map.of(), 10, t -> new int[] {0, 1}));
            index.put(clip("d", "b", Map.of("kind", "other"), 4, t -> new int[] {0, 1}));
            ClipQuery q = ClipQuery.of(redBlue("a"));
            assertThat(index.search(q, 10, Filter.ALL, null)).extracting(ClipHit::id).containsExactlyInAnyOrder("a", "d");
            assertThat(index.search(q, 10, Filter.ALL, "a")).extracting(ClipHit::id).containsExactly("d");
            assertThat(index.search(q, 10, Filter.parse(Map.of("kind", "swap")), null)).extracting(ClipHit::id)
                    .containsExactly("a");
            assertThat(index.search(q, 10, Filter.parse(Map.of("source", "d.mp4")), null)).extracting(ClipHit::id)
                    .containsExactly("d");
            assertThat(index.search(q, 1, Filter.ALL, null)).hasSize(1);
        }
    }

    @Test
    void clipsSurviveAReopenAndReplaceAndDeleteByIdAtomically() {
        IndexedClip a = redBlue("a");
        try (LuceneVideoIndex index = LuceneVideoIndex.open(dir)) {
            index.put(a);
            index.put(clip("b", "b", Map.of(), 3, t -> new int[] {2}));
        }
        try (LuceneVideoIndex index = LuceneVideoIndex.open(dir)) {
            assertThat(index.count()).isEqualTo(2);
            IndexedClip back = index.get("a").orElseThrow();
            assertThat(back.positions()).isEqualTo(a.positions());
            assertThat(back.timesMs()).isEqualTo(a.timesMs());
            assertThat(back.codebook()).isDeepEqualTo(a.codebook());
            assertThat(back.metadata()).isEqualTo(Map.of("kind", "swap"));
            assertThat(back.source()).isEqualTo("a.mp4");
            index.put(clip("a", "b", Map.of(), 2, t -> new int[] {3}));   // replace: one clip, new entries only
            assertThat(index.count()).isEqualTo(2);
            assertThat(index.get("a").orElseThrow().frames()).isEqualTo(2);
            List<ClipHit> hits = index.search(ClipQuery.of(redBlue("q")), 10, Filter.ALL, null);
            assertThat(hits).allSatisfy(h -> assertThat(h.score()).isLessThan(0.5));
            assertThat(index.delete("a")).isTrue();
            assertThat(index.delete("a")).isFalse();
            assertThat(index.get("a")).isEmpty();
            assertThat(index.count()).isEqualTo(1);
        }
    }

    @Test
    void storesVectorsWiderThanLucenesDefaultLimit() {
        int dim = 1152;   // SigLIP so400m
        float[] e = new float[dim];
        e[3] = 1;
        IndexedClip wide = new IndexedClip("w", "", "siglip", Map.of(), 1, 1, 1, new int[] {0}, new long[] {0},
                new float[][] {e});
        try (LuceneVideoIndex index = LuceneVideoIndex.open(dir)) {
            index.put(wide);
        }
        try (LuceneVideoIndex index = LuceneVideoIndex.open(dir)) {
            List<ClipHit> hits = index.search(ClipQuery.of(wide), 5, Filter.ALL, null);
            assertThat(hits).singleElement().satisfies(h -> assertThat(h.score()).isCloseTo(1.0, within(1e-5)));
        }
    }

    @Test
    void aClipWhoseMapDoesNotFitItsCodebookIsRefused() {
        assertThatThrownBy(() -> new IndexedClip("x", "", "b", Map.of(), 1, 1, 2, new int[] {0, 3}, new long[] {0},
                new float[][] {{1, 0}})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 3");
        assertThatThrownBy(() -> new IndexedClip("x", "", "b", Map.of(), 2, 1, 1, new int[] {0, 0}, new long[] {0},
                new float[][] {{1, 0}})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frame times");
    }
}
