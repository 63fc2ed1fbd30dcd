package dev.tessera.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.IndexUnavailableException;
import dev.tessera.retrieval.index.IndexWriteException;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A bulk ingest under a fault: numbered documents written in batches by one or more writers, each
 * document recorded as acknowledged (its write returned) or failed (reported by id), and the checks
 * that nothing acknowledged was lost.
 */
final class RecordedIngest {

    final List<Document> documents = new ArrayList<>();
    final Set<String> acknowledged = Collections.synchronizedSet(new HashSet<>());
    final Map<String, String> failed = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<CompletableFuture<Void>> writers = new ArrayList<>();

    /** Documents {@code d0..}, each findable by its own word {@code mk<n>}. */
    RecordedIngest(int count) {
        for (int i = 0; i < count; i++) {
            documents.add(new Document("d" + i, "Report " + i, "Test section report with marker word mk" + i
                    + " about model " + (i % 11) + " in the wind tunnel", Map.of("n", i)));
        }
    }

    /** Starts {@code writerCount} writers, each taking every writerCount-th batch; {@code beforeBatch} runs before each. */
    RecordedIngest start(DocumentIngestor ingestor, int writerCount, int batch, Runnable beforeBatch) {
        for (int w = 0; w < writerCount; w++) {
            int first = w;
            writers.add(CompletableFuture.runAsync(() -> {
                for (int from = first * batch; from < documents.size(); from += writerCount * batch) {
                    beforeBatch.run();
                    write(ingestor, documents.subList(from, Math.min(documents.size(), from + batch)));
                }
            }));
        }
        return this;
    }

    private void write(DocumentIngestor ingestor, List<Document> batch) {
        try {
            ingestor.ingestAll(batch);
            batch.forEach(d -> acknowledged.add(d.id()));
        } catch (IndexWriteException e) {
            failed.putAll(e.failed());
            batch.stream().map(Document::id).filter(id -> !e.failed().containsKey(id)).forEach(acknowledged::add);
        } catch (IndexUnavailableException e) {
            batch.forEach(d -> failed.put(d.id(), e.getMessage()));
        }
    }

    void awaitWriters(Duration limit) throws Exception {
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Searches for documents acknowledged so far, by their own words: each must be found. While a shard
     * copy is being promoted a search may be refused as incomplete (IndexUnavailableException, a 503 to
     * a client); it is retried as a client would. A promoted replica also resets its engine to the
     * global checkpoint (OpenSearch replays its translog on promotion, elastic/elasticsearch#33473) and
     * for that moment answers from its last Lucene commit with every shard reported successful, so a
     * recent document can be missing from an answer no statistic marks as partial: such a stale answer
     * is counted and retried, and the document must be found within the same 30 s.
     *
     * @return how many answers were stale
     */
    int searchesFindAcknowledged(DocumentIndex index, int searches) throws InterruptedException {
        List<String> before = new ArrayList<>(acknowledged);
        int stale = 0;
        for (int i = 0; i < searches; i++) {
            String id = before.get((i * 37) % before.size());
            List<ChunkHit> hits = List.of();
            for (int attempt = 0; hits.stream().noneMatch(h -> h.docId().equals(id)); attempt++) {
                if (attempt > 0) {
                    assertThat(attempt).as("search for " + id + ": not found in 30 attempts").isLessThan(30);
                    Thread.sleep(1_000);
                }
                try {
                    hits = index.searchText("mk" + id.substring(1), 5, Filter.ALL);
                    if (hits.stream().noneMatch(h -> h.docId().equals(id))) {
                        stale++;
                    }
                } catch (IndexUnavailableException e) {
                    hits = List.of();
                }
            }
        }
        return stale;
    }

    /**
     * Every document ended acknowledged or failed, never both; writing went on after the fault; every
     * acknowledged document reads back.
     */
    void assertNothingAcknowledgedWasLost(DocumentIndex index, int acknowledgedAtFault) {
        Set<String> union = new HashSet<>(acknowledged);
        union.addAll(failed.keySet());
        assertThat(union).hasSize(documents.size());
        assertThat(Collections.disjoint(acknowledged, failed.keySet())).as("acknowledged and failed overlap").isTrue();
        assertThat(acknowledged.size()).as("the ingest went on after the fault").isGreaterThan(acknowledgedAtFault);
        for (String id : acknowledged) {
            assertThat(index.get(id)).as(id).isPresent();
        }
        assertThat(index.stats().documents()).isGreaterThanOrEqualTo(acknowledged.size());
    }

    String summary(int acknowledgedAtFault) {
        return acknowledgedAtFault + " acknowledged at the fault; " + acknowledged.size() + " acknowledged in all, "
                + failed.size() + " reported failed" + (failed.isEmpty() ? "" : " (first: " + failed.values().iterator().next() + ")");
    }
}
