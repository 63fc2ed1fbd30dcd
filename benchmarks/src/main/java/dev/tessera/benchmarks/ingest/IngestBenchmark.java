package dev.tessera.benchmarks.ingest;

import dev.tessera.benchmarks.Models;
import dev.tessera.benchmarks.TempDir;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.data.BeirDataset;
import dev.tessera.benchmarks.data.BeirReader;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.benchmarks.report.Progress;
import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.retrieval.search.SearchDefaults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench ingest}: documents/s and chunks/s through the service's write path (chunk, embed,
 * durable Lucene commit per batch), then the bare model on the very same passages, so the ratio
 * shows what the rest of the path costs on top of embedding.
 */
public final class IngestBenchmark {

    private static final int EMBED_BATCH = 32;

    private IngestBenchmark() {}

    public static void run(Args args) {
        args.allow("dataset", "docs", "model");
        Path dir = Path.of(args.require("dataset"));
        BeirDataset data = BeirReader.read(dir);
        int limit = args.getInt("docs", data.documents().size());
        List<Document> docs = data.documents().subList(0, Math.min(limit, data.documents().size()));
        System.err.printf("%s: %,d documents (%,d with empty text left out)%n", data.name(), docs.size(),
                data.skipped().size());

        try (Embedder model = Models.load(args.get("model", Models.DEFAULT))) {
            TokenChunker chunker = new TokenChunker(model.tokenizer(), SearchDefaults.CHUNK_TOKENS,
                    SearchDefaults.CHUNK_OVERLAP);
            // Warm-up: JIT, ONNX Runtime's first-run allocations, Lucene's first segment.
            try (TempDir warm = new TempDir("tessera-ingest-warmup-")) {
                LuceneDocumentIndex index = LuceneDocumentIndex.open(warm.path(), model.name(), model.dimension(),
                        VectorEngine.LUCENE);
                try {
                    BatchIngest.run(new DocumentIngestor(chunker, model, index),
                            docs.subList(0, Math.min(2 * BatchIngest.BATCH, docs.size())), "warm-up");
                } finally {
                    index.close();
                }
            }

            RecordingEmbedder recorder = new RecordingEmbedder(model);
            BatchIngest.Totals e2e;
            try (TempDir tmp = new TempDir("tessera-ingest-")) {
                LuceneDocumentIndex index = LuceneDocumentIndex.open(tmp.path(), model.name(), model.dimension(),
                        VectorEngine.LUCENE);
                try {
                    e2e = BatchIngest.run(new DocumentIngestor(chunker, recorder, index), docs, "ingested");
                } finally {
                    index.close();
                }
            }

            List<String> passages = recorder.passages();
            double bareRate = passages.size() / bareEmbed(model, chunked(passages), "bare embed, batches of 32");
            // The write path hands the model all passages of a 64-document batch in one call, and the
            // model sorts them by length before its own 32-text batches: less padding than 32 texts
            // in document order. Replaying those calls isolates what chunking and Lucene cost.
            double sameCallsRate = passages.size() / bareEmbed(model, recorder.calls(), "bare embed, ingest's calls");

            MarkdownTable table = new MarkdownTable("measure", ">value");
            table.row("documents", "%,d".formatted(e2e.documents()));
            table.row("chunks (= passages embedded)", "%,d".formatted(e2e.chunks()));
            table.row("end-to-end time", fmt(e2e.seconds(), 1) + " s");
            table.row("end-to-end documents/s", fmt(e2e.documentsPerSecond(), 1));
            table.row("end-to-end chunks/s", fmt(e2e.chunksPerSecond(), 1));
            table.row("of which inside the embedder", fmt(100 * recorder.embedSeconds() / e2e.seconds(), 1) + " %");
            table.row("bare embedder texts/s (same passages, batches of " + EMBED_BATCH + ")", fmt(bareRate, 1));
            table.row("end-to-end chunks/s ÷ bare embed texts/s", fmt(e2e.chunksPerSecond() / bareRate, 3));
            table.row("bare embedder texts/s (same passages, grouped as ingest's embed calls)", fmt(sameCallsRate, 1));
            table.row("end-to-end chunks/s ÷ bare embed texts/s (ingest's grouping)",
                    fmt(e2e.chunksPerSecond() / sameCallsRate, 3));
            System.out.printf("%n### Ingest throughput: %s, %s, chunks of %d tokens (overlap %d), batches of %d"
                            + " documents, Lucene engine%n%n", data.name(), model.name(), SearchDefaults.CHUNK_TOKENS,
                    SearchDefaults.CHUNK_OVERLAP, BatchIngest.BATCH);
            System.out.print(table);
        }
    }

    private static List<List<String>> chunked(List<String> texts) {
        List<List<String>> out = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += EMBED_BATCH) {
            out.add(texts.subList(from, Math.min(texts.size(), from + EMBED_BATCH)));
        }
        return out;
    }

    /** Seconds the model alone takes for the given embed calls. */
    private static double bareEmbed(Embedder model, List<List<String>> calls, String label) {
        Progress progress = new Progress(label + ": texts", calls.stream().mapToInt(List::size).sum());
        long started = System.nanoTime();
        for (List<String> call : calls) {
            model.embed(call, Embedder.Role.DOCUMENT);
            progress.advance(call.size());
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
