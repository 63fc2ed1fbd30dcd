package dev.tessera.benchmarks.video;

import dev.tessera.benchmarks.TempDir;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.benchmarks.report.Progress;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.video.ClipHit;
import dev.tessera.retrieval.video.ClipMatch;
import dev.tessera.retrieval.video.ClipQuery;
import dev.tessera.retrieval.video.IndexedClip;
import dev.tessera.retrieval.video.LuceneVideoIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code bench video-search [--clips 5000] [--queries 200] [--dim 64] [--k 10]}: the video index at
 * a size no test reaches. Clips are synthetic but structured like VQToken output: each shows 2–4
 * "scenes" (drawn from a pool of random directions), each scene 3–6 codebook entries scattered
 * around it, over 32 frames of 4 × 4 patches. A query is a stored clip's first scene re-drawn with
 * fresh noise (a different recording of the same thing). Stored clips go in one commit each, as
 * the service does; 20 untimed warm-up queries. Baseline in the same run: exact scoring ({@link ClipMatch}) of every stored clip
 * held in memory, which is what HNSW candidate retrieval must agree with (recall@k).
 */
public final class VideoSearchBenchmark {

    private VideoSearchBenchmark() {}

    private static final int SCENES = 1000;
    private static final int FRAMES = 32;
    private static final int GRID = 4;

    public static void run(Args args) {
        args.allow("clips", "queries", "dim", "k");
        int clips = args.getInt("clips", 5000);
        int queries = args.getInt("queries", 200);
        int dim = args.getInt("dim", 64);
        int k = args.getInt("k", 10);
        Random random = new Random(42);
        float[][] scenes = new float[SCENES][];
        for (int s = 0; s < SCENES; s++) {
            scenes[s] = gaussian(random, dim, 1.0);
        }
        List<IndexedClip> stored = new ArrayList<>(clips);
        List<int[]> clipScenes = new ArrayList<>(clips);
        for (int c = 0; c < clips; c++) {
            int[] mine = random.ints(2 + random.nextInt(3), 0, SCENES).toArray();
            clipScenes.add(mine);
            stored.add(clip("clip-" + c, mine, scenes, random, dim));
        }
        try (TempDir dir = new TempDir("tessera-bench-video-search");
             LuceneVideoIndex index = LuceneVideoIndex.open(dir.path())) {
            Progress progress = new Progress("clips stored", clips);
            long t0 = System.nanoTime();
            for (IndexedClip clip : stored) {
                index.put(clip);
                progress.advance(1);
            }
            double ingestSeconds = (System.nanoTime() - t0) / 1e9;
            for (int w = 0; w < 20; w++) {   // warm-up: JIT and the index's first reads, not timed
                ClipQuery query = ClipQuery.of(clip("warm", new int[] {random.nextInt(SCENES)}, scenes, random, dim));
                index.search(query, k, Filter.ALL, null);
                stored.stream().map(c -> ClipMatch.score(query, c)).count();
            }
            long[] hnswNanos = new long[queries];
            long[] exactNanos = new long[queries];
            double recall = 0;
            int sourceFound = 0;
            int sourceFoundExact = 0;
            for (int q = 0; q < queries; q++) {
                int source = random.nextInt(clips);
                ClipQuery query = ClipQuery.of(clip("query", new int[] {clipScenes.get(source)[0]}, scenes, random, dim));
                long a = System.nanoTime();
                List<ClipHit> hits = index.search(query, k, Filter.ALL, null);
                long b = System.nanoTime();
                List<ClipHit> exact = stored.stream().map(c -> ClipMatch.score(query, c))
                        .sorted(Comparator.comparingDouble(ClipHit::score).reversed().thenComparing(ClipHit::id))
                        .limit(k).toList();
                long c = System.nanoTime();
                hnswNanos[q] = b - a;
                exactNanos[q] = c - b;
                Set<String> truth = new HashSet<>(exact.stream().map(ClipHit::id).toList());
                recall += hits.stream().filter(h -> truth.contains(h.id())).count() / (double) truth.size();
                // Other clips show the same scene too (each scene is in ~3·clips/1000 of them).
                if (hits.stream().anyMatch(h -> h.id().equals("clip-" + source))) {
                    sourceFound++;
                }
                if (exact.stream().anyMatch(h -> h.id().equals("clip-" + source))) {
                    sourceFoundExact++;
                }
            }
            MarkdownTable table = new MarkdownTable("search", ">p50 ms", ">p99 ms", ">queries/s", ">recall@" + k + " vs exact",
                    ">source clip in top " + k);
            table.row("HNSW candidates + exact rescoring (LuceneVideoIndex)", ms(hnswNanos, 50), ms(hnswNanos, 99),
                    qps(hnswNanos), String.format(Locale.ROOT, "%.3f", recall / queries),
                    String.format(Locale.ROOT, "%.3f", sourceFound / (double) queries));
            table.row("exact scoring of every clip in memory (baseline)", ms(exactNanos, 50), ms(exactNanos, 99),
                    qps(exactNanos), "1.000", String.format(Locale.ROOT, "%.3f", sourceFoundExact / (double) queries));
            System.out.println();
            System.out.printf(Locale.ROOT, "%d clips (%d-d entries, %d frames × %d×%d patches, 2–4 scenes of 3–6 entries "
                            + "each), %d queries, k = %d; stored at %.1f clips/s (one commit each), %.1f MB on disk%n",
                    clips, dim, FRAMES, GRID, GRID, queries, k, clips / ingestSeconds, sizeMb(dir.path()));
            System.out.printf(Locale.ROOT, "speed-up of the index over the exact scan at p50: %.1f×%n",
                    Double.parseDouble(ms(exactNanos, 50)) / Double.parseDouble(ms(hnswNanos, 50)));
            System.out.println(table);
        }
    }

    /** A clip showing {@code sceneIds} one after another; each scene is 3–6 noisy entries around its direction. */
    static IndexedClip clip(String id, int[] sceneIds, float[][] scenes, Random random, int dim) {
        List<float[]> codebook = new ArrayList<>();
        List<int[]> perScene = new ArrayList<>();
        for (int s : sceneIds) {
            int n = 3 + random.nextInt(4);
            int[] entries = new int[n];
            for (int e = 0; e < n; e++) {
                float[] v = scenes[s].clone();
                float[] noise = gaussian(random, dim, 0.35);
                for (int d = 0; d < dim; d++) {
                    v[d] += noise[d];
                }
                entries[e] = codebook.size();
                codebook.add(v);
            }
            perScene.add(entries);
        }
        int perFrame = GRID * GRID;
        int[] positions = new int[FRAMES * perFrame];
        long[] times = new long[FRAMES];
        for (int t = 0; t < FRAMES; t++) {
            int[] entries = perScene.get(t * sceneIds.length / FRAMES);
            for (int p = 0; p < perFrame; p++) {
                positions[t * perFrame + p] = entries[random.nextInt(entries.length)];
            }
            times[t] = 500L * t;
        }
        // Entries no patch drew are dropped, as VQToken does.
        int[] remap = new int[codebook.size()];
        Arrays.fill(remap, -1);
        List<float[]> kept = new ArrayList<>();
        for (int i = 0; i < positions.length; i++) {
            if (remap[positions[i]] < 0) {
                remap[positions[i]] = kept.size();
                kept.add(codebook.get(positions[i]));
            }
            positions[i] = remap[positions[i]];
        }
        return new IndexedClip(id, id + ".mp4", "bench", Map.of(), FRAMES, GRID, GRID, positions, times,
                kept.toArray(float[][]::new));
    }

    private static float[] gaussian(Random random, int dim, double scale) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) (random.nextGaussian() * scale / Math.sqrt(dim));
        }
        return v;
    }

    private static String ms(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return String.format(Locale.ROOT, "%.2f", sorted[Math.max(0, rank - 1)] / 1e6);
    }

    private static String qps(long[] nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos.length / (Arrays.stream(nanos).sum() / 1e9));
    }

    private static double sizeMb(java.nio.file.Path dir) {
        try (var files = java.nio.file.Files.walk(dir)) {
            return files.filter(java.nio.file.Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / 1e6;
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
