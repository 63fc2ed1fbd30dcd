package dev.tessera.benchmarks.vectors;

import dev.tessera.benchmarks.Models;
import dev.tessera.benchmarks.TempDir;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.cli.UsageException;
import dev.tessera.benchmarks.data.BeirReader;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.benchmarks.report.Progress;
import dev.tessera.retrieval.chunk.Chunk;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.IndexStats;
import dev.tessera.retrieval.index.IndexedDocument;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.index.VectorEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * {@code bench vectors}: exact search against Lucene HNSW and hnswlib on real bge-small embeddings
 * of real text, each engine driven through the product's index (upsert, then searchVector), so
 * the figures include what a search request pays, stored-field reads included.
 */
public final class VectorBenchmark {

    private static final int K = 10;
    private static final int BATCH = 1000;

    private VectorBenchmark() {}

    public static void run(Args args) {
        args.allow("sizes", "queries", "cache", "dataset", "model");
        List<Integer> sizes = args.getInts("sizes", List.of(10_000, 100_000));
        int queryCount = args.getInt("queries", 1000);
        Path cacheDir = Path.of(args.get("cache", "benchmarks/target/vector-cache"));
        List<Path> datasets = args.all("dataset").stream().map(Path::of).toList();
        if (datasets.isEmpty()) {
            throw new UsageException("bench vectors needs at least one --dataset");
        }
        String modelName = args.get("model", Models.DEFAULT);
        int largest = Collections.max(sizes);

        Passages passages = Passages.load(datasets, largest, queryCount, modelName, cacheDir);
        List<String> texts = passages.texts();
        float[][] base = passages.vectors();
        float[][] queryVectors = passages.queries();

        MarkdownTable table = new MarkdownTable("engine", ">vectors", ">build s", ">recall@10", ">QPS",
                ">p50 ms", ">p99 ms", ">speed-up vs exact", ">segments");
        for (int size : sizes) {
            ExactSearch exact = new ExactSearch(base, size);
            int[][] truth = new int[queryVectors.length][];
            timed(queryVectors, q -> exact.nearest(queryVectors[q], K)); // warm-up
            Latencies exactTimes = timed(queryVectors, q -> truth[q] = exact.nearest(queryVectors[q], K));
            table.row("exact (brute force)", fmtInt(size), "-", "1.000", fmt(exactTimes.qps(), 0),
                    fmt(exactTimes.percentileMillis(50), 3), fmt(exactTimes.percentileMillis(99), 3), "1.0x", "-");
            for (VectorEngine engine : VectorEngine.values()) {
                EngineResult r = measureEngine(engine, modelName, texts, base, size, queryVectors, truth);
                table.row(engine.name().toLowerCase(Locale.ROOT) + " (product index)", fmtInt(size),
                        fmt(r.buildSeconds, 1), fmt(r.recall, 3), fmt(r.latencies.qps(), 0),
                        fmt(r.latencies.percentileMillis(50), 3), fmt(r.latencies.percentileMillis(99), 3),
                        fmt(r.latencies.qps() / exactTimes.qps(), 1) + "x", r.stats.segments());
            }
            System.err.println("done with " + size + " vectors");
        }
        System.out.printf("%n### Vector engines: %d-d %s embeddings, %,d queries, top-%d, single thread%n%n",
                base[0].length, modelName, queryVectors.length, K);
        System.out.print(table);
        System.out.printf("%nLucene HNSW: Lucene defaults (M=16, beam width 100), explores max(k, 100) candidates, "
                + "keeps k=%d. hnswlib: M=%d, efConstruction=200, ef=100. Build = upserts of %d one-chunk documents "
                + "per commit.%n", K, 16, BATCH);
    }

    private record EngineResult(double buildSeconds, double recall, Latencies latencies, IndexStats stats) {}

    private static EngineResult measureEngine(VectorEngine engine, String modelName, List<String> texts,
            float[][] base, int size, float[][] queries, int[][] truth) {
        try (TempDir dir = new TempDir("tessera-vectors-")) {
            LuceneDocumentIndex index = LuceneDocumentIndex.open(dir.path(), modelName, base[0].length, engine);
            try {
                Progress progress = new Progress(engine.name().toLowerCase(Locale.ROOT) + " build: vectors", size);
                long started = System.nanoTime();
                for (int from = 0; from < size; from += BATCH) {
                    int to = Math.min(size, from + BATCH);
                    List<IndexedDocument> batch = new ArrayList<>(to - from);
                    for (int i = from; i < to; i++) {
                        String text = texts.get(i);
                        batch.add(new IndexedDocument(new Document("v" + i, "", text, Map.of()),
                                List.of(new Chunk(0, text, 0, text.length(), 0)), List.of(base[i])));
                    }
                    index.upsert(batch);
                    progress.advance(to - from);
                }
                double buildSeconds = (System.nanoTime() - started) / 1e9;
                int[][] found = new int[queries.length][];
                timed(queries, q -> index.searchVector(queries[q], K, Filter.ALL)); // warm-up
                Latencies latencies = timed(queries, q -> found[q] = ids(index.searchVector(queries[q], K,
                        Filter.ALL)));
                return new EngineResult(buildSeconds, recall(found, truth), latencies, index.stats());
            } finally {
                index.close();
            }
        }
    }

    private interface QueryWork {
        void run(int query);
    }

    /** Runs every query once on this thread, timing each; callers run a whole pass first to warm the JIT. */
    private static Latencies timed(float[][] queries, QueryWork work) {
        long[] nanos = new long[queries.length];
        for (int q = 0; q < queries.length; q++) {
            long t = System.nanoTime();
            work.run(q);
            nanos[q] = System.nanoTime() - t;
        }
        return new Latencies(nanos);
    }

    private static int[] ids(List<ChunkHit> hits) {
        return hits.stream().mapToInt(h -> Integer.parseInt(h.docId().substring(1))).toArray();
    }

    static double recall(int[][] found, int[][] truth) {
        long hit = 0;
        long total = 0;
        for (int q = 0; q < truth.length; q++) {
            java.util.Set<Integer> expected = new java.util.HashSet<>();
            for (int id : truth[q]) {
                expected.add(id);
            }
            for (int id : found[q]) {
                if (expected.contains(id)) {
                    hit++;
                }
            }
            total += truth[q].length;
        }
        return (double) hit / total;
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private static String fmtInt(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
