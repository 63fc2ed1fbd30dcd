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
            Progress progress = new Progress("bare embed: texts", passages.size());
            long started = System.nanoTime();
            for (int from = 0; from < passages.size(); from += EMBED_BATCH) {
                int to = Math.min(passages.size(), from + EMBED_BATCH);
                model.embed(passages.subList(from, to), Embedder.Role.DOCUMENT);
                progress.advance(to - from);
            }
            double bareSeconds = (System.nanoTime() - started) / 1e9;
            double bareRate = passages.size() / bareSeconds;

            MarkdownTable table = new MarkdownTable("measure", ">value");
            table.row("documents", "%,d".formatted(e2e.documents()));
            table.row("chunks (= passages embedded)", "%,d".formatted(e2e.chunks()));
            table.row("end-to-end time", fmt(e2e.seconds(), 1) + " s");
            table.row("end-to-end documents/s", fmt(e2e.documentsPerSecond(), 1));
            table.row("end-to-end chunks/s", fmt(e2e.chunksPerSecond(), 1));
            table.row("of which inside the embedder", fmt(100 * recorder.embedSeconds() / e2e.seconds(), 1) + " %");
            table.row("bare embedder texts/s (same passages, batches of " + EMBED_BATCH + ")", fmt(bareRate, 1));
            table.row("end-to-end chunks/s ÷ bare embed texts/s", fmt(e2e.chunksPerSecond() / bareRate, 3));
            System.out.printf("%n### Ingest throughput: %s, %s, chunks of %d tokens (overlap %d), batches of %d"
                            + " documents, Lucene engine%n%n", data.name(), model.name(), SearchDefaults.CHUNK_TOKENS,
                    SearchDefaults.CHUNK_OVERLAP, BatchIngest.BATCH);
            System.out.print(table);
        }
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
