package dev.tessera.benchmarks.ingest;

import dev.tessera.benchmarks.report.Progress;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import java.util.List;

/** Feeds a corpus to the service's write path in fixed-size batches, showing progress. */
public final class BatchIngest {

    public static final int BATCH = 64;

    /** What one ingest pass did. */
    public record Totals(int documents, long chunks, double seconds) {

        public double documentsPerSecond() {
            return documents / seconds;
        }

        public double chunksPerSecond() {
            return chunks / seconds;
        }
    }

    private BatchIngest() {}

    public static Totals run(DocumentIngestor ingestor, List<Document> documents, String label) {
        Progress progress = new Progress(label, documents.size());
        long chunks = 0;
        long started = System.nanoTime();
        for (int from = 0; from < documents.size(); from += BATCH) {
            List<Document> batch = documents.subList(from, Math.min(documents.size(), from + BATCH));
            for (DocumentIngestor.Ingested done : ingestor.ingestAll(batch)) {
                chunks += done.chunks();
            }
            progress.advance(batch.size(), "docs, %,d chunks".formatted(chunks));
        }
        return new Totals(documents.size(), chunks, (System.nanoTime() - started) / 1e9);
    }
}
