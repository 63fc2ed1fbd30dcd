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
import dev.tessera.retrieval.index.VectorQuantization;
import dev.tessera.retrieval.index.VectorSimilarity;
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
 * {@code bench vectors}: exact search against Lucene HNSW (float32 and each quantisation, rescored
 * exactly) and hnswlib, on real bge-small embeddings of real text, each engine driven through the
 * product's index (upsert, then searchVector), so the figures include what a search request pays,
 * stored-field reads included. Sizes beyond {@code --real} are filled with {@link SyntheticVectors}.
 */
public final class VectorBenchmark {

    private static final int K = 10;
    private static final int BATCH = 1000;

    private VectorBenchmark() {}

    /**
     * One configuration of the product's index, built once and searched at each exploration depth
     * (× the index's usual candidates: for quantised graphs that many are rescored exactly).
     */
    private record Engine(String label, VectorEngine engine, VectorQuantization quantization, List<Double> depths) {

        String rowLabel(double depth) {
            if (engine == VectorEngine.HNSWLIB) {
                return label;
            }
            return quantization == VectorQuantization.NONE
                    ? label + (depth == 1 ? "" : ", ×" + fmt(depth, 1) + " deeper")
                    : label + " + rescoring ×" + fmt(depth, 1);
        }
    }

    public static void run(Args args) {
        args.allow("sizes", "queries", "cache", "dataset", "model", "real", "quantization", "hnswlib", "merge");
        int mergeTo = args.getInt("merge", 0);
        List<Integer> sizes = args.getInts("sizes", List.of(10_000, 100_000));
        int queryCount = args.getInt("queries", 1000);
        Path cacheDir = Path.of(args.get("cache", "benchmarks/target/vector-cache"));
        List<Path> datasets = args.all("dataset").stream().map(Path::of).toList();
        if (datasets.isEmpty()) {
            throw new UsageException("bench vectors needs at least one --dataset");
        }
        String modelName = args.get("model", Models.DEFAULT);
        int largest = Collections.max(sizes);
        int realCount = Math.min(largest, args.getInt("real", 100_000));
        List<Engine> engines = new ArrayList<>();
        // "int8" uses the collection default oversample, "int8:1.5" another one, "int8:1/2/3" builds one
        // index and searches it at each depth; "none:1/2" searches a float32 graph deeper.
        for (String spec : args.get("quantization", "none,int8,int4,binary").split(",")) {
            String[] parts = spec.split(":");
            VectorQuantization quantization = VectorQuantization.parse(parts[0]);
            List<Double> depths = parts.length > 1
                    ? java.util.Arrays.stream(parts[1].split("/")).map(d -> VectorQuantization.checkOversample(
                            Double.parseDouble(d))).toList()
                    : List.of(quantization.defaultOversample());
            engines.add(new Engine("lucene " + (quantization == VectorQuantization.NONE ? "float32"
                    : quantization.jsonName()), VectorEngine.LUCENE, quantization, depths));
        }
        if (Boolean.parseBoolean(args.get("hnswlib", "true"))) {
            engines.add(new Engine("hnswlib float32", VectorEngine.HNSWLIB, VectorQuantization.NONE, List.of(1.0)));
        }

        Passages passages = Passages.load(datasets, realCount, queryCount, modelName, cacheDir);
        List<String> texts = passages.texts();
        float[][] base = SyntheticVectors.expand(passages.vectors(), largest, 20_261_203L);
        float[][] queryVectors = passages.queries();

        MarkdownTable table = new MarkdownTable("engine", ">vectors", ">build s", ">merge s", ">recall@10", ">QPS",
                ">p50 ms", ">p99 ms", ">speed-up vs exact", ">vector bytes/vector on disk",
                ">bytes/vector a search touches", ">heap MB", ">segments");
        for (int size : sizes) {
            ExactSearch exact = new ExactSearch(base, size);
            int[][] truth = new int[queryVectors.length][];
            timed(java.util.Arrays.copyOf(queryVectors, Math.min(100, queryVectors.length)),
                    q -> exact.nearest(queryVectors[q], K)); // warm-up: at a million, 100 queries are plenty
            Latencies exactTimes = timed(queryVectors, q -> truth[q] = exact.nearest(queryVectors[q], K));
            String sizeLabel = fmtInt(size) + (size > realCount ? " (" + fmtInt(size - realCount) + " synthetic)" : "");
            long floats = (long) base[0].length * Float.BYTES;
            table.row("exact (brute force, float32 in heap)", sizeLabel, "-", "-", "1.000", fmt(exactTimes.qps(), 0),
                    fmt(exactTimes.percentileMillis(50), 3), fmt(exactTimes.percentileMillis(99), 3), "1.0x", "-",
                    fmtInt(floats), fmt(floats * (double) size / 1e6, 0), "-");
            for (Engine engine : engines) {
                EngineResult r = measureEngine(engine, modelName, texts, base, size, realCount, queryVectors, truth,
                        mergeTo);
                for (DepthResult d : r.depths()) {
                    table.row(engine.rowLabel(d.depth()) + " (product index)", sizeLabel, fmt(r.buildSeconds, 1),
                            r.mergeSeconds < 0 ? "-" : fmt(r.mergeSeconds, 1), fmt(d.recall(), 3),
                            fmt(d.latencies().qps(), 0), fmt(d.latencies().percentileMillis(50), 3),
                            fmt(d.latencies().percentileMillis(99), 3),
                            fmt(d.latencies().qps() / exactTimes.qps(), 1) + "x",
                            r.diskBytesPerVector < 0 ? "-" : fmt(r.diskBytesPerVector, 0),
                            r.memoryBytesPerVector < 0 ? "-" : fmt(r.memoryBytesPerVector, 0),
                            fmt(r.heapMb, 0), r.stats.segments());
                }
            }
            System.err.println("done with " + size + " vectors");
        }
        System.out.printf("%n### Vector engines: %d-d %s embeddings (%,d real%s), %,d queries, top-%d, single thread%n%n",
                base[0].length, modelName, realCount, largest > realCount ? ", the rest synthetic" : "",
                queryVectors.length, K);
        System.out.print(table);
        System.out.printf("%nLucene HNSW: Lucene defaults (M=16, beam width 100), explores max(k, 100) candidates "
                + "(× oversample for quantised graphs, then rescored on the float vectors), keeps k=%d. hnswlib: M=%d, "
                + "efConstruction=200, ef=100. Build = upserts of %d one-chunk documents per commit. Bytes per vector: "
                + "Lucene's vector files (float vectors, codes, graph) as its readers report them; a search touches "
                + "the graph and the codes (the graph and the float vectors when unquantised). Heap: used after a GC "
                + "with the index open, the base matrix (%,d MB) included.%n", K, 16, BATCH,
                (long) base.length * base[0].length * Float.BYTES / 1_000_000);
    }

    private record DepthResult(double depth, double recall, Latencies latencies) {}

    private record EngineResult(double buildSeconds, double mergeSeconds, List<DepthResult> depths, IndexStats stats,
                                double diskBytesPerVector, double memoryBytesPerVector, double heapMb) {}

    private static EngineResult measureEngine(Engine engine, String modelName, List<String> texts,
            float[][] base, int size, int realCount, float[][] queries, int[][] truth, int mergeTo) {
        try (TempDir dir = new TempDir("tessera-vectors-")) {
            LuceneDocumentIndex index = LuceneDocumentIndex.open(dir.path(), modelName, base[0].length,
                    engine.engine(), VectorSimilarity.COSINE, engine.quantization(), engine.depths().getFirst());
            try {
                Progress progress = new Progress(engine.label() + " build: vectors", size);
                long started = System.nanoTime();
                for (int from = 0; from < size; from += BATCH) {
                    int to = Math.min(size, from + BATCH);
                    List<IndexedDocument> batch = new ArrayList<>(to - from);
                    for (int i = from; i < to; i++) {
                        // Synthetic vectors carry their anchor's text, so stored fields stay realistic.
                        String text = texts.get(i % realCount);
                        batch.add(new IndexedDocument(new Document("v" + i, "", text, Map.of()),
                                List.of(new Chunk(0, text, 0, text.length(), 0)), List.of(base[i])));
                    }
                    index.upsert(batch);
                    progress.advance(to - from);
                }
                double buildSeconds = (System.nanoTime() - started) / 1e9;
                double mergeSeconds = -1;
                if (mergeTo > 0) {
                    // what an operator does after a bulk load (POST /v1/collections/{c}/merge)
                    System.err.printf("%s: merging %d segments into %d%n", engine.label(), index.stats().segments(), mergeTo);
                    long mergeStarted = System.nanoTime();
                    index.forceMerge(mergeTo);
                    mergeSeconds = (System.nanoTime() - mergeStarted) / 1e9;
                }
                List<DepthResult> depths = new ArrayList<>();
                for (double depth : engine.depths()) {
                    int[][] found = new int[queries.length][];
                    QueryWork search = engine.engine() == VectorEngine.HNSWLIB
                            ? q -> found[q] = ids(index.searchVector(queries[q], K, Filter.ALL))
                            : q -> found[q] = ids(index.searchVector(queries[q], K, Filter.ALL, depth));
                    timed(queries, search); // warm-up
                    Latencies latencies = timed(queries, search);
                    depths.add(new DepthResult(depth, recall(found, truth), latencies));
                }
                double disk = -1;
                double memory = -1;
                if (engine.engine() == VectorEngine.LUCENE) {
                    Map<String, Long> bytes = index.vectorBytes();
                    long all = bytes.values().stream().mapToLong(Long::longValue).sum();
                    long touched = bytes.getOrDefault("vex", 0L) + (engine.quantization() == VectorQuantization.NONE
                            ? bytes.getOrDefault("vec", 0L) : all - bytes.getOrDefault("vec", 0L) - bytes.getOrDefault("vex", 0L));
                    disk = (double) all / size;
                    memory = (double) touched / size;
                    System.err.println(engine.label() + ": vector bytes by file " + bytes);
                }
                System.gc();
                Runtime rt = Runtime.getRuntime();
                double heapMb = (rt.totalMemory() - rt.freeMemory()) / 1e6;
                return new EngineResult(buildSeconds, mergeSeconds, depths, index.stats(), disk, memory, heapMb);
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
