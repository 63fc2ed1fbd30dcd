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

/**
 * {@code eval ir}: ingests a BEIR collection through the service's write path, runs every judged
 * query in BM25, vector and hybrid modes (the served default plus alternative fusions) and prints
 * nDCG@10, Recall@100 and MRR@10 at document level.
 */
public final class IrEvaluation {

    /** Chunks asked for per query: enough to fill 100 distinct documents after collapsing. */
    static final int CHUNK_DEPTH = 200;
    private static final double[] CONVEX_WEIGHTS = {0.3, 0.5, 0.6, 0.7, 0.8, 0.9};

    private IrEvaluation() {}

    public static void run(Args args) {
        args.allow("dataset", "engine", "model");
        Path dir = Path.of(args.require("dataset"));
        VectorEngine engine = VectorEngine.parse(args.get("engine", "lucene"));
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

        try (Embedder embedder = new QueryVectorMemo(Models.load(args.get("model", Models.DEFAULT)));
                TempDir tmp = new TempDir("tessera-eval-")) {
            LuceneDocumentIndex index = LuceneDocumentIndex.open(tmp.path(), embedder.name(), embedder.dimension(), engine);
            try {
                TokenChunker chunker = new TokenChunker(embedder.tokenizer(), SearchDefaults.CHUNK_TOKENS,
                        SearchDefaults.CHUNK_OVERLAP);
                BatchIngest.Totals ingest = BatchIngest.run(new DocumentIngestor(chunker, embedder, index),
                        data.documents(), "ingested");
                IndexStats stats = index.stats();

                // One batched pass fills the memo; the runs then reuse the vectors.
                List<String> texts = queryIds.stream().map(data.queries()::get).toList();
                long t = System.nanoTime();
                for (int from = 0; from < texts.size(); from += 32) {
                    embedder.embed(texts.subList(from, Math.min(texts.size(), from + 32)), Embedder.Role.QUERY);
                }
                double queryEmbedSeconds = (System.nanoTime() - t) / 1e9;

                HybridSearcher searcher = new HybridSearcher(index, embedder, SearchDefaults.fusion(),
                        SearchDefaults.CANDIDATE_DEPTH);
                MarkdownTable table = new MarkdownTable("run", ">nDCG@10", ">Recall@100", ">MRR@10");
                List<Scores> all = new ArrayList<>();
                for (EvalRun run : runs()) {
                    Scores s = evaluate(searcher, run, data, queryIds);
                    all.add(s);
                    table.row(run.name(), fmt(s.ndcg10), fmt(s.recall100), fmt(s.mrr10));
                }
                System.out.printf("%n### %s: %,d documents (%,d skipped, empty text), %,d chunks, %,d judged queries,"
                                + " %s, engine %s%n%n", data.name(), stats.documents(), data.skipped().size(),
                        stats.chunks(), queryIds.size(), embedder.name(), engine.name().toLowerCase(Locale.ROOT));
                System.out.print(table);
                System.out.printf(Locale.ROOT, "%nIngest %.1f s (%.1f docs/s); query embedding %.1f s for %d queries;"
                                + " each query asks for %d chunks, collapsed to documents by best chunk.%n",
                        ingest.seconds(), ingest.documentsPerSecond(), queryEmbedSeconds, queryIds.size(), CHUNK_DEPTH);
                printVerdict(all);
            } finally {
                index.close();
            }
        }
    }

    static List<EvalRun> runs() {
        List<EvalRun> runs = new ArrayList<>();
        runs.add(new EvalRun("bm25", SearchMode.BM25, null));
        runs.add(new EvalRun("vector", SearchMode.VECTOR, null));
        runs.add(new EvalRun("hybrid (served default: " + describe(SearchDefaults.fusion()) + ")", SearchMode.HYBRID, null));
        runs.add(new EvalRun("hybrid rrf k=60", SearchMode.HYBRID, Fusion.of("rrf", 0, 60)));
        for (double w : CONVEX_WEIGHTS) {
            runs.add(new EvalRun("hybrid convex w=" + w, SearchMode.HYBRID, Fusion.of("convex", w, SearchDefaults.RRF_K)));
        }
        return runs;
    }

    private static String describe(Fusion fusion) {
        return fusion.name().equals("convex") ? "convex w=" + SearchDefaults.DENSE_WEIGHT
                : fusion.name() + " k=" + SearchDefaults.RRF_K;
    }

    record Scores(String run, double ndcg10, double recall100, double mrr10) {}

    private static Scores evaluate(HybridSearcher searcher, EvalRun run, BeirDataset data, List<String> queryIds) {
        double ndcg = 0, recall = 0, mrr = 0;
        Progress progress = new Progress(run.name() + ": queries", queryIds.size());
        for (String id : queryIds) {
            SearchRequest request = new SearchRequest(data.queries().get(id), CHUNK_DEPTH, run.mode(),
                    Filter.ALL, run.fusion(), false);
            List<String> ranking = DocumentRanking.of(searcher.search(request).hits());
            Map<String, Integer> judged = data.qrels().get(id);
            ndcg += IrMetrics.ndcgAt(ranking, judged, 10);
            recall += IrMetrics.recallAt(ranking, judged, 100);
            mrr += IrMetrics.mrrAt(ranking, judged, 10);
            progress.advance(1);
        }
        int n = queryIds.size();
        return new Scores(run.name(), ndcg / n, recall / n, mrr / n);
    }

    /** States plainly whether hybrid beats both single modes and which fusion scored best. */
    private static void printVerdict(List<Scores> all) {
        Scores bm25 = all.get(0);
        Scores vector = all.get(1);
        Scores served = all.get(2);
        Scores best = all.stream().skip(2).max((a, b) -> Double.compare(a.ndcg10, b.ndcg10)).orElseThrow();
        double floor = Math.max(bm25.ndcg10, vector.ndcg10);
        System.out.printf(Locale.ROOT, "%nServed hybrid nDCG@10 %.4f vs best single mode %.4f: %s. Best fusion by"
                        + " nDCG@10: %s (%.4f).%n", served.ndcg10, floor,
                served.ndcg10 >= floor ? "not worse" : "WORSE than the better single mode", best.run, best.ndcg10);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
