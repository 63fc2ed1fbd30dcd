package dev.tessera.benchmarks.eval;

import dev.tessera.benchmarks.Models;
import dev.tessera.benchmarks.TempDir;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.data.BeirDataset;
import dev.tessera.benchmarks.data.BeirReader;
import dev.tessera.benchmarks.ingest.BatchIngest;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.benchmarks.report.Progress;
import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.IndexStats;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.retrieval.search.Fusion;
import dev.tessera.retrieval.search.HybridSearcher;
import dev.tessera.retrieval.search.SearchDefaults;
import dev.tessera.retrieval.search.SearchMode;
import dev.tessera.retrieval.search.SearchRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex;
import java.nio.charset.StandardCharsets;

/**
 * {@code eval ir}: ingests a BEIR collection through the service's write path, draws each judged
 * query's two candidate lists once ({@code DocumentIndex.searchHybrid}, as the served hybrid search
 * does), and scores BM25, vector and every fusion on them with the served code
 * ({@link Fusion#fuse}). Queries are split once into a tuning half and a held-out half (CRC32 of the
 * query id, even = tuning): constants are chosen on tuning halves, and the held-out halves report
 * whether the served default beats the better single retriever. {@code --grid true} adds a sweep of
 * every fusion's constant.
 */
public final class IrEvaluation {

    /** Chunks drawn per side and query: the served hybrid's depth, which also fills 100 documents after collapsing. */
    static final int CHUNK_DEPTH = SearchDefaults.CANDIDATE_DEPTH;
    private static final double[] CONVEX_WEIGHTS = {0.3, 0.5, 0.6, 0.7, 0.8, 0.9};
    private static final double[] GRID = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

    private IrEvaluation() {}

    /** The fixed split: a query is in the tuning half when the CRC32 of its id's UTF-8 bytes is even. */
    static boolean tuning(String queryId) {
        CRC32 crc = new CRC32();
        crc.update(queryId.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % 2 == 0;
    }

    public static void run(Args args) {
        args.allow("dataset", "engine", "model", "grid");
        Path dir = Path.of(args.require("dataset"));
        VectorEngine engine = VectorEngine.parse(args.get("engine", "lucene"));
        boolean grid = Boolean.parseBoolean(args.get("grid", "false"));
        BeirDataset data = BeirReader.read(dir);
        List<String> queryIds = data.judgedQueryIds().stream().filter(id -> !data.queries().get(id).isBlank()).toList();
        long qrelsOnSkipped = data.qrels().values().stream()
                .flatMap(m -> m.entrySet().stream())
                .filter(e -> e.getValue() > 0 && data.skipped().contains(e.getKey()))
                .count();
        System.err.printf("%s: %,d documents to ingest, %,d skipped for empty text %s (%d relevance judgements point"
                        + " at them and count as misses), %,d judged queries of %,d%n",
                data.name(), data.documents().size(), data.skipped().size(), data.skipped(), qrelsOnSkipped,
                queryIds.size(), data.queries().size());

        try (Embedder embedder = Models.load(args.get("model", Models.DEFAULT));
                TempDir tmp = new TempDir("tessera-eval-")) {
            LuceneDocumentIndex index = LuceneDocumentIndex.open(tmp.path(), embedder.name(), embedder.dimension(), engine);
            try {
                TokenChunker chunker = new TokenChunker(embedder.tokenizer(), SearchDefaults.CHUNK_TOKENS,
                        SearchDefaults.CHUNK_OVERLAP);
                BatchIngest.Totals ingest = BatchIngest.run(new DocumentIngestor(chunker, embedder, index),
                        data.documents(), "ingested");
                IndexStats stats = index.stats();

                List<String> texts = queryIds.stream().map(data.queries()::get).toList();
                long t = System.nanoTime();
                List<float[]> vectors = new ArrayList<>(texts.size());
                for (int from = 0; from < texts.size(); from += 32) {
                    vectors.addAll(embedder.embed(texts.subList(from, Math.min(texts.size(), from + 32)),
                            Embedder.Role.QUERY));
                }
                double queryEmbedSeconds = (System.nanoTime() - t) / 1e9;
                List<DocumentIndex.HybridCandidates> candidates = new ArrayList<>(texts.size());
                Progress progress = new Progress("candidate lists", texts.size());
                for (int q = 0; q < texts.size(); q++) {
                    candidates.add(index.searchHybrid(texts.get(q), vectors.get(q), CHUNK_DEPTH, Filter.ALL));
                    progress.advance(1);
                }
                double[] drawMillis = drawCost(index, texts, vectors);

                MarkdownTable table = new MarkdownTable("run", ">nDCG@10", ">tuning", ">held-out", ">Recall@100",
                        ">MRR@10");
                List<Scores> all = new ArrayList<>();
                for (EvalRun run : runs(grid)) {
                    Scores s = evaluate(run, candidates, data, queryIds);
                    all.add(s);
                    table.row(run.name(), fmt(s.ndcg10), fmt(s.tuning), fmt(s.heldOut), fmt(s.recall100), fmt(s.mrr10));
                }
                long tuningQueries = queryIds.stream().filter(IrEvaluation::tuning).count();
                System.out.printf("%n### %s: %,d documents (%,d skipped, empty text), %,d chunks, %,d judged queries"
                                + " (%,d tuning, %,d held out), %s, engine %s%n%n", data.name(), stats.documents(),
                        data.skipped().size(), stats.chunks(), queryIds.size(), tuningQueries,
                        queryIds.size() - tuningQueries, embedder.name(), engine.name().toLowerCase(Locale.ROOT));
                System.out.print(table);
                System.out.printf(Locale.ROOT, "%nIngest %.1f s (%.1f docs/s); query embedding %.1f s for %d queries;"
                                + " each query draws %d chunks per side, collapsed to documents by best chunk.%n",
                        ingest.seconds(), ingest.documentsPerSecond(), queryEmbedSeconds, queryIds.size(), CHUNK_DEPTH);
                System.out.printf(Locale.ROOT, "Drawing both candidate lists (BM25 with its bound, and HNSW), mean per"
                                + " query over two alternating passes: %.2f ms at depth %d, %.2f ms at depth %d.%n",
                        drawMillis[1], CHUNK_DEPTH, drawMillis[0], CHUNK_DEPTH / 2);
                printVerdict(all);
            } finally {
                index.close();
            }
        }
    }

    /**
     * What the served depth costs: mean milliseconds per query to draw both lists at half the depth
     * ([0]) and at the depth ([1]), passes alternating (half, full, half, full) so drift hits both.
     */
    private static double[] drawCost(LuceneDocumentIndex index, List<String> texts, List<float[]> vectors) {
        double[] total = new double[2];
        for (int pass = 0; pass < 4; pass++) {
            int depth = pass % 2 == 0 ? CHUNK_DEPTH / 2 : CHUNK_DEPTH;
            long t = System.nanoTime();
            for (int q = 0; q < texts.size(); q++) {
                index.searchHybrid(texts.get(q), vectors.get(q), depth, Filter.ALL);
            }
            total[pass % 2] += (System.nanoTime() - t) / 1e6 / texts.size();
        }
        return new double[] {total[0] / 2, total[1] / 2};
    }

    static List<EvalRun> runs(boolean grid) {
        List<EvalRun> runs = new ArrayList<>();
        runs.add(new EvalRun("bm25", SearchMode.BM25, null));
        runs.add(new EvalRun("vector", SearchMode.VECTOR, null));
        runs.add(new EvalRun("hybrid (served default: " + describe(SearchDefaults.fusion()) + ")", SearchMode.HYBRID,
                SearchDefaults.fusion()));
        runs.add(new EvalRun("hybrid rrf k=60", SearchMode.HYBRID, Fusion.of("rrf", 0, 60)));
        for (double w : grid ? GRID : CONVEX_WEIGHTS) {
            runs.add(new EvalRun("hybrid convex w=" + w, SearchMode.HYBRID, Fusion.of("convex", w, SearchDefaults.RRF_K)));
        }
        if (grid) {
            for (double g : new double[] {0, 0.25, 0.5, 0.75, 1, 1.5}) {
                for (double w : new double[] {0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7}) {
                    runs.add(new EvalRun("hybrid adaptive w=" + w + " gamma=" + g, SearchMode.HYBRID,
                            new dev.tessera.retrieval.search.AdaptiveFusion(w, g)));
                }
            }
        }
        return runs;
    }

    private static String describe(Fusion fusion) {
        return switch (fusion.name()) {
            case "convex" -> "convex w=" + SearchDefaults.DENSE_WEIGHT;
            case "adaptive" -> "adaptive w=" + SearchDefaults.ADAPTIVE_WEIGHT + " gamma=" + SearchDefaults.ADAPTIVE_GAMMA;
            default -> fusion.name() + " k=" + SearchDefaults.RRF_K;
        };
    }

    record Scores(String run, double ndcg10, double tuning, double heldOut, double recall100, double mrr10) {}

    private static Scores evaluate(EvalRun run, List<DocumentIndex.HybridCandidates> candidates, BeirDataset data,
                                   List<String> queryIds) {
        double ndcg = 0, recall = 0, mrr = 0, tuning = 0, heldOut = 0;
        int tuningCount = 0;
        for (int q = 0; q < queryIds.size(); q++) {
            String id = queryIds.get(q);
            DocumentIndex.HybridCandidates c = candidates.get(q);
            List<ChunkHit> hits = switch (run.mode()) {
                case BM25 -> c.lexical();
                case VECTOR -> c.dense();
                case HYBRID -> run.fusion().fuse(c, CHUNK_DEPTH);
            };
            List<String> ranking = DocumentRanking.of(hits);
            Map<String, Integer> judged = data.qrels().get(id);
            double n10 = IrMetrics.ndcgAt(ranking, judged, 10);
            ndcg += n10;
            if (tuning(id)) {
                tuning += n10;
                tuningCount++;
            } else {
                heldOut += n10;
            }
            recall += IrMetrics.recallAt(ranking, judged, 100);
            mrr += IrMetrics.mrrAt(ranking, judged, 10);
        }
        int n = queryIds.size();
        return new Scores(run.name(), ndcg / n, tuning / Math.max(1, tuningCount),
                heldOut / Math.max(1, n - tuningCount), recall / n, mrr / n);
    }

    /** States plainly whether the served hybrid beats the better single mode on the held-out half, and by how much. */
    private static void printVerdict(List<Scores> all) {
        Scores bm25 = all.get(0);
        Scores vector = all.get(1);
        Scores served = all.get(2);
        Scores best = all.stream().skip(2).max((a, b) -> Double.compare(a.tuning, b.tuning)).orElseThrow();
        double floor = Math.max(bm25.heldOut, vector.heldOut);
        System.out.printf(Locale.ROOT, "%nHeld-out half: served hybrid nDCG@10 %.4f vs the better single mode %.4f:"
                        + " margin %+.4f (%s). Whole collection: %.4f vs %.4f. Best fusion on the tuning half: %s"
                        + " (%.4f).%n", served.heldOut, floor, served.heldOut - floor,
                served.heldOut >= floor ? "not worse" : "WORSE than the better single mode", served.ndcg10,
                Math.max(bm25.ndcg10, vector.ndcg10), best.run, best.tuning);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
