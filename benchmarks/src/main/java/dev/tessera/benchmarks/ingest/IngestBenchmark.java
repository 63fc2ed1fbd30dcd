package dev.tessera.benchmarks.ingest;

import dev.tessera.benchmarks.Models;
import dev.tessera.benchmarks.TempDir;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.data.BeirDataset;
import dev.tessera.benchmarks.data.BeirReader;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.context.ContextPrecompute;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextTokenizer;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.embed.BatchingEmbedder;
import dev.tessera.retrieval.embed.DjlEmbedder;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.embed.OnnxSessionOptions;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.retrieval.search.SearchDefaults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * {@code bench ingest}: documents/s through the service's write path (chunk, embed, durable Lucene
 * commit per batch of 64 documents) on the same documents, in one run, for:
 * <ol>
 *   <li>the served default: the search model with the service's ONNX Runtime settings, behind the
 *       service's batcher (passes cut from the waiting texts by token length), storing the span
 *       vectors context assembly needs as the service does by default ({@code tessera.rag.spans=late});
 *   <li>the same without span vectors, and with them embedded one by one ({@code alone});
 *   <li>a plain fixed-batch loop (32 texts in arrival order) over that same session: the naive baseline;
 *   <li>the previous release: that loop over a session left at ONNX Runtime's own defaults;
 *   <li>the other model (the quantised one when the default is float, and the reverse), served as in 1.
 * </ol>
 * Each configuration runs twice, alternating, and reports its faster pass; ratios are to the
 * previous release. Padding share: positions run through the model that were padding.
 */
public final class IngestBenchmark {

    private IngestBenchmark() {}

    private record Config(String label, Embedder model, java.util.function.UnaryOperator<Embedder> feed,
            ContextPrecompute spans) {}

    private static ContextPrecompute spans(ContextPrecompute.Source source) {
        return new ContextPrecompute(ContextTokenizer.openAi("o200k_base"), ContextRequest.DEFAULT_CHUNK_TOKENS, source);
    }

    private record Result(double documentsPerSecond, double chunksPerSecond, double padding, double embedShare) {}

    public static void run(Args args) {
        args.allow("dataset", "docs", "model", "other", "rounds");
        Path dir = Path.of(args.require("dataset"));
        BeirDataset data = BeirReader.read(dir);
        int limit = args.getInt("docs", data.documents().size());
        int rounds = args.getInt("rounds", 2);
        List<Document> docs = data.documents().subList(0, Math.min(limit, data.documents().size()));
        String modelName = args.get("model", Models.DEFAULT);
        String otherName = args.get("other", Models.spec(modelName).name().endsWith("-q")
                ? Models.spec(modelName).name().replaceFirst("-q$", "") : Models.spec(modelName).name() + "-q");
        System.err.printf("%s: %,d documents (%,d with empty text left out)%n", data.name(), docs.size(),
                data.skipped().size());

        try (DjlEmbedder served = Models.load(modelName);
                DjlEmbedder previous = Models.load(modelName, null);
                DjlEmbedder other = Models.load(otherName)) {
            ContextPrecompute late = spans(ContextPrecompute.Source.LATE);
            List<Config> configs = List.of(
                    new Config("served default: " + served.name() + ", length-cut passes, late span vectors", served,
                            IngestBenchmark::servedBatcher, late),
                    new Config("served, no span vectors", served, IngestBenchmark::servedBatcher, null),
                    new Config("served, span vectors embedded alone", served, IngestBenchmark::servedBatcher,
                            spans(ContextPrecompute.Source.ALONE)),
                    new Config("naive: fixed batches of " + Models.BATCH + " in arrival order, same session, no spans",
                            served, m -> new FixedBatchEmbedder(m, Models.BATCH), null),
                    new Config("previous release: fixed batches, ONNX Runtime's default settings, no spans", previous,
                            m -> new FixedBatchEmbedder(m, Models.BATCH), null),
                    new Config(other.name() + ", served as the default, late span vectors", other,
                            IngestBenchmark::servedBatcher, late));
            for (Config c : configs) { // warm-up: JIT, ONNX Runtime's first allocations, Lucene's first segment
                once(c, docs.subList(0, Math.min(2 * BatchIngest.BATCH, docs.size())), "warm-up " + c.model().name());
            }
            List<Result> best = new ArrayList<>();
            configs.forEach(c -> best.add(null));
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < configs.size(); i++) {
                    Result r = once(configs.get(i), docs, "round " + (round + 1) + ": " + configs.get(i).label());
                    if (best.get(i) == null || r.documentsPerSecond() > best.get(i).documentsPerSecond()) {
                        best.set(i, r);
                    }
                }
            }
            double baseline = best.get(4).documentsPerSecond();
            MarkdownTable table = new MarkdownTable("configuration", ">documents/s", ">chunks/s", ">padding share",
                    ">inside the embedder", ">× previous release");
            for (int i = 0; i < configs.size(); i++) {
                Result r = best.get(i);
                table.row(configs.get(i).label(), fmt(r.documentsPerSecond(), 1), fmt(r.chunksPerSecond(), 1),
                        fmt(100 * r.padding(), 1) + " %", fmt(100 * r.embedShare(), 1) + " %",
                        fmt(r.documentsPerSecond() / baseline, 2));
            }
            System.out.printf("%n### Ingest throughput: %s, first %,d documents, chunks of %d tokens (overlap %d),"
                            + " batches of %d documents, Lucene engine, %d cores, best of %d alternating rounds%n%n",
                    data.name(), docs.size(), SearchDefaults.CHUNK_TOKENS, SearchDefaults.CHUNK_OVERLAP,
                    BatchIngest.BATCH, Runtime.getRuntime().availableProcessors(), rounds);
            System.out.print(table);
            System.out.printf("%nServed ONNX Runtime settings: %s%n", OnnxSessionOptions.defaults());
        }
    }

    /** The service's batcher with its default limits (32 texts, 8,192 padded tokens, 2 ms wait). */
    private static Embedder servedBatcher(Embedder model) {
        return new BatchingEmbedder(new Unclosed(model), Models.BATCH, 8192, 2);
    }

    private static Result once(Config config, List<Document> docs, String label) {
        Embedder fed = config.feed().apply(config.model());
        RecordingEmbedder recorder = new RecordingEmbedder(fed);
        TokenChunker chunker = new TokenChunker(config.model().tokenizer(), SearchDefaults.CHUNK_TOKENS,
                SearchDefaults.CHUNK_OVERLAP);
        try (TempDir tmp = new TempDir("tessera-ingest-")) {
            LuceneDocumentIndex index = LuceneDocumentIndex.open(tmp.path(), config.model().name(),
                    config.model().dimension(), VectorEngine.LUCENE);
            try {
                BatchIngest.Totals t = BatchIngest.run(new DocumentIngestor(chunker, recorder, index, config.spans()), docs, label);
                DoubleSupplier padding = fed instanceof BatchingEmbedder b ? b::paddingShare
                        : fed instanceof FixedBatchEmbedder f ? f::paddingShare : () -> Double.NaN;
                return new Result(t.documentsPerSecond(), t.chunksPerSecond(), padding.getAsDouble(),
                        recorder.embedSeconds() / t.seconds());
            } finally {
                index.close();
                fed.close();
            }
        }
    }

    /** Lets a batcher be closed without closing the model it shares with other configurations. */
    private static final class Unclosed extends dev.tessera.retrieval.embed.ForwardingEmbedder {
        Unclosed(Embedder delegate) {
            super(delegate);
        }

        @Override
        public void close() {}
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
