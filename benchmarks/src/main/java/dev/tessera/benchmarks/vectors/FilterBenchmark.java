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
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.IndexedDocument;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
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
import org.apache.lucene.util.VectorUtil;

/**
 * {@code bench filters}: filtered vector search on the real embeddings of {@code bench vectors}.
 * Every vector gets an integer {@code bucket} in [0, 1000) (a fixed shuffle, so buckets do not
 * follow the text order); {@code {"bucket": {"lt": n}}} selects n/1000 of the documents. Ground
 * truth and baseline: exact top-10 among the selected vectors. Each engine is driven through the
 * product's index with the filter language, so the figures are what a filtered search request pays.
 */
public final class FilterBenchmark {

    private static final int K = 10;
    private static final int BATCH = 1000;
    private static final int[] SELECTIVITY_PER_MILLE = {500, 100, 10, 1};

    private FilterBenchmark() {}

    public static void run(Args args) {
        args.allow("size", "queries", "cache", "dataset", "model", "engine");
        int size = args.getInt("size", 100_000);
        int queryCount = args.getInt("queries", 500);
        Path cacheDir = Path.of(args.get("cache", "benchmarks/target/vector-cache"));
        List<Path> datasets = args.all("dataset").stream().map(Path::of).toList();
        if (datasets.isEmpty()) {
            throw new UsageException("bench filters needs at least one --dataset (the same as bench vectors, whose"
                    + " embedding cache it reads)");
        }
        String modelName = args.get("model", Models.DEFAULT);
        List<VectorEngine> engines = args.all("engine").isEmpty() ? List.of(VectorEngine.values())
                : args.all("engine").stream().flatMap(e -> java.util.Arrays.stream(e.split(",")))
                        .map(VectorEngine::parse).toList();

        // The same passages and questions as bench vectors (same pool, same seeds), so its cache serves both.
        Passages passages = Passages.load(datasets, size, 1000, modelName, cacheDir);
        List<String> texts = passages.texts();
        float[][] base = passages.vectors();
        float[][] queryVectors = java.util.Arrays.copyOf(passages.queries(), Math.min(queryCount, passages.queries().length));

        int[] bucket = new int[size];
        Random r = new Random(11);
        for (int i = 0; i < size; i++) {
            bucket[i] = i % 1000;
        }
        for (int i = size - 1; i > 0; i--) { // Fisher-Yates
            int j = r.nextInt(i + 1);
            int t = bucket[i];
            bucket[i] = bucket[j];
            bucket[j] = t;
        }

        MarkdownTable table = new MarkdownTable("engine", ">selected", ">documents", ">recall@10", ">p50 ms", ">p99 ms",
                ">exact p50 ms", ">unfiltered p50 ms", ">p50 vs unfiltered");
        for (VectorEngine engine : engines) {
            try (TempDir dir = new TempDir("tessera-filters-")) {
                LuceneDocumentIndex index = LuceneDocumentIndex.open(dir.path(), modelName, base[0].length, engine);
                try {
                    Progress progress = new Progress(engine.name().toLowerCase(Locale.ROOT) + " build: vectors", size);
                    for (int from = 0; from < size; from += BATCH) {
                        int to = Math.min(size, from + BATCH);
                        List<IndexedDocument> batch = new ArrayList<>(to - from);
                        for (int i = from; i < to; i++) {
                            String text = texts.get(i);
                            batch.add(new IndexedDocument(new Document("v" + i, "", text, Map.of("bucket", bucket[i])),
                                    List.of(new Chunk(0, text, 0, text.length(), 0)), List.of(base[i])));
                        }
                        index.upsert(batch);
                        progress.advance(to - from);
                    }
                    // The baseline of the same run: this engine's unfiltered search (what the filter adds to it).
                    for (float[] q : queryVectors) {
                        index.searchVector(q, K, Filter.ALL);
                    }
                    long[] unfilteredNanos = new long[queryVectors.length];
                    for (int q = 0; q < queryVectors.length; q++) {
                        long t = System.nanoTime();
                        index.searchVector(queryVectors[q], K, Filter.ALL);
                        unfilteredNanos[q] = System.nanoTime() - t;
                    }
                    Latencies unfiltered = new Latencies(unfilteredNanos);
                    for (int perMille : SELECTIVITY_PER_MILLE) {
                        Filter filter = Filter.parse(Map.of("bucket", Map.of("lt", perMille)));
                        int[] allowed = java.util.stream.IntStream.range(0, size).filter(i -> bucket[i] < perMille)
                                .toArray();
                        int[][] truth = new int[queryVectors.length][];
                        long[] exactNanos = new long[queryVectors.length];
                        for (int q = 0; q < queryVectors.length; q++) {
                            long t = System.nanoTime();
                            TopK top = new TopK(K);
                            for (int i : allowed) {
                                top.offer(i, VectorUtil.dotProduct(queryVectors[q], base[i]));
                            }
                            truth[q] = top.ids();
                            exactNanos[q] = System.nanoTime() - t;
                        }
                        int[][] found = new int[queryVectors.length][];
                        for (float[] q : queryVectors) { // warm-up pass
                            index.searchVector(q, K, filter);
                        }
                        long[] nanos = new long[queryVectors.length];
                        for (int q = 0; q < queryVectors.length; q++) {
                            long t = System.nanoTime();
                            List<ChunkHit> hits = index.searchVector(queryVectors[q], K, filter);
                            nanos[q] = System.nanoTime() - t;
                            found[q] = hits.stream().mapToInt(h -> Integer.parseInt(h.docId().substring(1))).toArray();
                        }
                        Latencies lat = new Latencies(nanos);
                        Latencies exact = new Latencies(exactNanos);
                        table.row(engine.name().toLowerCase(Locale.ROOT), String.format(Locale.ROOT, "%.1f %%",
                                perMille / 10.0), String.format(Locale.ROOT, "%,d", allowed.length),
                                String.format(Locale.ROOT, "%.3f", VectorBenchmark.recall(found, truth)),
                                String.format(Locale.ROOT, "%.3f", lat.percentileMillis(50)),
                                String.format(Locale.ROOT, "%.3f", lat.percentileMillis(99)),
                                String.format(Locale.ROOT, "%.3f", exact.percentileMillis(50)),
                                String.format(Locale.ROOT, "%.3f", unfiltered.percentileMillis(50)),
                                String.format(Locale.ROOT, "%.2fx", lat.percentileMillis(50) / unfiltered.percentileMillis(50)));
                        System.err.printf("%s %.1f %%: done%n", engine, perMille / 10.0);
                    }
                } finally {
                    index.close();
                }
            }
        }
        System.out.printf("%n### Filtered vector search: %,d %d-d %s embeddings, %,d queries, top-%d, single thread%n%n",
                size, base[0].length, modelName, queryVectors.length, K);
        System.out.print(table);
        System.out.printf("%nFilter: {\"bucket\": {\"lt\": n}} on an integer key (a Lucene point field); exact = brute"
                + " force over the selected vectors, their ids known in advance (the ground truth, and a lower bound for"
                + " any exact filtered search); recall@10 against it. p50 vs unfiltered: the filtered search's p50 over"
                + " the same engine's unfiltered p50, measured in the same run.%n");
    }
}
