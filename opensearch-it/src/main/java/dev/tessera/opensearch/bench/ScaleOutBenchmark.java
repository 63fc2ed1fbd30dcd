package dev.tessera.opensearch.bench;

import dev.tessera.benchmarks.Models;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.data.BeirDataset;
import dev.tessera.benchmarks.data.BeirReader;
import dev.tessera.benchmarks.eval.DocumentRanking;
import dev.tessera.benchmarks.eval.IrMetrics;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.benchmarks.report.Progress;
import dev.tessera.opensearch.cluster.InProcessCluster;
import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.IndexedDocument;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.index.opensearch.OpenSearchDocumentIndex;
import dev.tessera.retrieval.index.opensearch.OpenSearchSettings;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.retrieval.search.Fusion;
import dev.tessera.retrieval.search.SearchDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code ./tessera bench scale-out --dataset DIR}: the same documents, vectors and queries on the
 * embedded index and on a three-node in-process OpenSearch cluster (2 shards, 1 replica). Chunks
 * are embedded once before either write is timed, so the figures are the index's own: bulk write
 * throughput (durable and searchable on return), and per-query latency and nDCG@10 of BM25,
 * vector and hybrid search (query vectors embedded beforehand too).
 */
public final class ScaleOutBenchmark {

    private ScaleOutBenchmark() {}

    public static void main(String[] argv) throws Exception {
        // The cluster's logging takes over System.out and closes it (file descriptor 1) when the next
        // node reconfigures it; the report goes through a descriptor of its own on the same file.
        java.io.PrintStream report = reopened(System.out, "/proc/self/fd/1");
        try {
            run(argv, report);
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] argv, java.io.PrintStream report) throws Exception {
        Args args = Args.parse(argv).allow("dataset", "model", "queries", "shards", "replicas", "nodes", "docs");
        BeirDataset full = BeirReader.read(Path.of(args.require("dataset")));
        BeirDataset data = new BeirDataset(full.name(), full.documents().subList(0,
                Math.min(full.documents().size(), args.getInt("docs", full.documents().size()))), full.skipped(),
                full.queries(), full.qrels());
        List<String> queryIds = data.judgedQueryIds();
        queryIds = queryIds.subList(0, Math.min(queryIds.size(), args.getInt("queries", queryIds.size())));
        int shards = args.getInt("shards", 2);
        int replicas = args.getInt("replicas", 1);
        int nodes = args.getInt("nodes", 3);

        Path dir = Files.createTempDirectory("tessera-scale-out-");
        try (Embedder embedder = Models.load(args.get("model", Models.DEFAULT));
                DocumentIndex embeddedIndex = LuceneDocumentIndex.open(dir, embedder.name(), embedder.dimension(),
                        VectorEngine.LUCENE)) {
            List<IndexedDocument> docs = embedDocuments(data.documents(), new DocumentIngestor(
                    new TokenChunker(embedder.tokenizer(), SearchDefaults.CHUNK_TOKENS, SearchDefaults.CHUNK_OVERLAP),
                    embedder, embeddedIndex));
            List<String> queryTexts = queryIds.stream().map(data.queries()::get).toList();
            List<float[]> queryVectors = embedder.embed(queryTexts, Embedder.Role.QUERY);
            long chunks = docs.stream().mapToLong(d -> d.chunks().size()).sum();

            MarkdownTable table = new MarkdownTable("backend", ">write docs/s", ">write chunks/s", ">BM25 p50 ms",
                    ">BM25 p95 ms", ">vector p50 ms", ">vector p95 ms", ">hybrid p50 ms", ">hybrid p95 ms",
                    ">BM25 nDCG@10", ">hybrid nDCG@10");
            Result embedded = measure("embedded", embeddedIndex, docs, queryTexts, queryVectors, queryIds, data);
            table.row(embedded.cells());
            Result cluster;
            try (InProcessCluster os = InProcessCluster.start(nodes, "scale-out");
                    DocumentIndex index = OpenSearchDocumentIndex.open(
                            OpenSearchSettings.local(os.hosts(), "scale-out", shards, replicas), embedder.name(),
                            embedder.dimension())) {
                cluster = measure("opensearch", index, docs, queryTexts, queryVectors, queryIds, data);
                table.row(cluster.cells());
                table.row("opensearch / embedded", ratio(cluster.docsPerSecond, embedded.docsPerSecond),
                        ratio(cluster.docsPerSecond, embedded.docsPerSecond),
                        ratio(cluster.bm25[0], embedded.bm25[0]), ratio(cluster.bm25[1], embedded.bm25[1]),
                        ratio(cluster.vector[0], embedded.vector[0]), ratio(cluster.vector[1], embedded.vector[1]),
                        ratio(cluster.hybrid[0], embedded.hybrid[0]), ratio(cluster.hybrid[1], embedded.hybrid[1]),
                        "", "");
                report.printf(Locale.ROOT, "%n### %s: %,d documents, %,d chunks, %d queries, %s (%d-d); OpenSearch: %d"
                                + " in-process nodes, %d shards, %d replica(s); %d cores, max heap %d MiB%n%n",
                        data.name(), docs.size(), chunks, queryIds.size(), embedder.name(), embedder.dimension(), nodes,
                        shards, replicas, Runtime.getRuntime().availableProcessors(),
                        Runtime.getRuntime().maxMemory() >> 20);
                report.print(table);
                report.println("\nWrites: batches of 64 documents, each durable and searchable on return (embedded:"
                        + " Lucene commit; OpenSearch: bulk with refresh=wait_for). Latency: one query at a time from one"
                        + " client thread, in this JVM; hybrid fuses 100 candidates per side by RRF (OpenSearch: one _msearch).");
                report.flush();
            }
        }
    }

    private static java.io.PrintStream reopened(java.io.PrintStream current, String path) {
        try {
            return new java.io.PrintStream(new java.io.FileOutputStream(path, true), true);
        } catch (IOException | SecurityException e) {
            return current; // not Linux: the report may be cut off
        }
    }

    private record Result(String name, double docsPerSecond, double chunksPerSecond, double[] bm25, double[] vector,
            double[] hybrid, double bm25Ndcg, double hybridNdcg) {

        Object[] cells() {
            return new Object[] {name, fmt(docsPerSecond), fmt(chunksPerSecond), fmt(bm25[0]), fmt(bm25[1]),
                fmt(vector[0]), fmt(vector[1]), fmt(hybrid[0]), fmt(hybrid[1]), String.format(Locale.ROOT, "%.4f", bm25Ndcg),
                String.format(Locale.ROOT, "%.4f", hybridNdcg)};
        }
    }

    /** Every document chunked and embedded once, before any write is timed. */
    private static List<IndexedDocument> embedDocuments(List<Document> documents, DocumentIngestor ingestor) {
        List<IndexedDocument> out = new ArrayList<>(documents.size());
        Progress progress = new Progress("embedded", documents.size());
        for (int from = 0; from < documents.size(); from += 64) {
            List<Document> batch = documents.subList(from, Math.min(documents.size(), from + 64));
            out.addAll(ingestor.prepare(batch));
            progress.advance(batch.size(), "docs");
        }
        return out;
    }

    private static Result measure(String name, DocumentIndex index, List<IndexedDocument> docs, List<String> queries,
            List<float[]> vectors, List<String> queryIds, BeirDataset data) {
        long chunks = docs.stream().mapToLong(d -> d.chunks().size()).sum();
        Progress progress = new Progress(name + ": written", docs.size());
        long t = System.nanoTime();
        for (int from = 0; from < docs.size(); from += 64) {
            List<IndexedDocument> batch = docs.subList(from, Math.min(docs.size(), from + 64));
            index.upsert(batch);
            progress.advance(batch.size(), "docs");
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        Fusion rrf = Fusion.of("rrf", 0, SearchDefaults.RRF_K);
        int depth = 100;
        // Warm up both sides (JIT, caches, connections) before timing.
        for (int i = 0; i < Math.min(20, queries.size()); i++) {
            index.searchText(queries.get(i), depth, Filter.ALL);
            index.searchVector(vectors.get(i), depth, Filter.ALL);
        }
        List<List<ChunkHit>> bm25Hits = new ArrayList<>();
        List<List<ChunkHit>> hybridHits = new ArrayList<>();
        double[] bm25 = latencies(queries.size(), i -> {
            List<ChunkHit> h = index.searchText(queries.get(i), depth, Filter.ALL);
            bm25Hits.add(h);
            return h;
        });
        double[] vector = latencies(queries.size(), i -> index.searchVector(vectors.get(i), depth, Filter.ALL));
        double[] hybrid = latencies(queries.size(), i -> {
            DocumentIndex.HybridCandidates c = index.searchHybrid(queries.get(i), vectors.get(i), depth, Filter.ALL);
            List<ChunkHit> h = rrf.fuse(c, depth);
            hybridHits.add(h);
            return h;
        });
        double bm25Ndcg = 0;
        double hybridNdcg = 0;
        for (int i = 0; i < queryIds.size(); i++) {
            bm25Ndcg += IrMetrics.ndcgAt(DocumentRanking.of(bm25Hits.get(i)), data.qrels().get(queryIds.get(i)), 10);
            hybridNdcg += IrMetrics.ndcgAt(DocumentRanking.of(hybridHits.get(i)), data.qrels().get(queryIds.get(i)), 10);
        }
        return new Result(name, docs.size() / seconds, chunks / seconds, bm25, vector, hybrid,
                bm25Ndcg / queryIds.size(), hybridNdcg / queryIds.size());
    }

    /** p50 and p95 in milliseconds of running each query once, in order. */
    private static double[] latencies(int n, Function<Integer, List<ChunkHit>> query) {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            query.apply(i);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return new double[] {ms[(int) Math.floor(0.50 * (n - 1))], ms[(int) Math.floor(0.95 * (n - 1))]};
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v);
    }

    private static String ratio(double a, double b) {
        return String.format(Locale.ROOT, "%.2f×", a / b);
    }
}
