package dev.tessera.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.opensearch.cluster.InProcessCluster;
import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.context.HashedWordsEmbedder;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.IndexUnavailableException;
import dev.tessera.retrieval.index.IndexWriteException;
import dev.tessera.retrieval.index.MetadataFilter;
import dev.tessera.retrieval.index.opensearch.OpenSearchDocumentIndex;
import dev.tessera.retrieval.index.opensearch.OpenSearchSettings;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import java.io.IOException;
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
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch._types.HealthStatus;

/**
 * One of three nodes stops in the middle of a bulk ingest (three shards, one replica each). The
 * ingest goes on: every document is either acknowledged or reported failed by id, no acknowledged
 * document is lost, and searches keep answering while the cluster is yellow.
 *
 * <p>Here the node leaves cleanly (it is closed), between two bulk requests of the ingest: a node
 * closed inside this JVM drops the replication requests it was serving without failing them, and
 * the cluster manager then stalls its node-left update for a minute. {@link NodeCrashTest} kills a
 * node of its own process with requests in flight.
 */
class NodeLossTest {

    private static final int DOCUMENTS = 720;
    private static final int BATCH = 24;

    @Test
    void aNodeStoppedDuringABulkIngestLosesNoAcknowledgedDocument() throws Exception {
        HashedWordsEmbedder embedder = new HashedWordsEmbedder(32);
        try (InProcessCluster cluster = TestCluster.start("node-loss")) {
            OpenSearchSettings settings = new OpenSearchSettings(cluster.hosts(), null, null, null, null, null,
                    "node-loss", 3, 1, Duration.ofSeconds(2), Duration.ofSeconds(20), 4, 8, 8, Duration.ofMillis(250));
            try (OpenSearchDocumentIndex index = OpenSearchDocumentIndex.open(settings, embedder.name(), embedder.dimension())) {
                DocumentIngestor ingestor = new DocumentIngestor(new TokenChunker(embedder.tokenizer(), 64, 8), embedder, index);
                List<Document> docs = new ArrayList<>();
                for (int i = 0; i < DOCUMENTS; i++) {
                    docs.add(new Document("d" + i, "Report " + i, "Test section report with marker word mk" + i
                            + " about model " + (i % 11) + " in the wind tunnel", Map.of("n", i)));
                }
                Set<String> acknowledged = Collections.synchronizedSet(new HashSet<>());
                Map<String, String> failed = Collections.synchronizedMap(new LinkedHashMap<>());

                java.util.concurrent.atomic.AtomicBoolean pause = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.CountDownLatch paused = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);
                CompletableFuture<Void> ingest = CompletableFuture.runAsync(() -> {
                    for (int from = 0; from < docs.size(); from += BATCH) {
                        if (pause.get() && paused.getCount() > 0) {
                            paused.countDown();
                            try {
                                resume.await(60, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                        List<Document> batch = docs.subList(from, Math.min(docs.size(), from + BATCH));
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
                });

                waitUntil(() -> acknowledged.size() >= 240, Duration.ofSeconds(60), "the first documents to be acknowledged");
                int victim = cluster.aDataOnlyNode();
                pause.set(true);
                assertThat(paused.await(60, TimeUnit.SECONDS)).isTrue();
                cluster.stopNode(victim);
                resume.countDown();
                int acknowledgedAtLoss = acknowledged.size();

                // While the cluster is yellow (the lost copies wait a minute before being rebuilt
                // elsewhere), searches for documents acknowledged before the loss must answer and find them.
                waitUntil(() -> health(index) == HealthStatus.Yellow, Duration.ofSeconds(30), "the cluster to turn yellow");
                int searchesWhileYellow = 0;
                List<String> before = new ArrayList<>(acknowledged);
                for (int i = 0; i < 20; i++) {
                    String id = before.get((i * 37) % before.size());
                    List<ChunkHit> hits = index.searchText("mk" + id.substring(1), 5, MetadataFilter.NONE);
                    assertThat(hits).as("search for " + id + " while yellow").extracting(ChunkHit::docId).contains(id);
                    searchesWhileYellow++;
                }
                assertThat(health(index)).isEqualTo(HealthStatus.Yellow);

                ingest.get(4, TimeUnit.MINUTES);
                System.out.printf("node %d stopped after %d acknowledged documents; %d acknowledged in all, %d reported failed,"
                        + " %d searches answered while yellow%n", victim, acknowledgedAtLoss, acknowledged.size(),
                        failed.size(), searchesWhileYellow);

                // Every document is accounted for exactly once.
                Set<String> all = new HashSet<>();
                docs.forEach(d -> all.add(d.id()));
                Set<String> union = new HashSet<>(acknowledged);
                union.addAll(failed.keySet());
                assertThat(union).isEqualTo(all);
                assertThat(Collections.disjoint(acknowledged, failed.keySet())).as("acknowledged and failed overlap").isTrue();
                assertThat(acknowledged.size()).as("the ingest went on after the loss").isGreaterThan(acknowledgedAtLoss);

                // No acknowledged document is lost: each reads back whole and is found by its word.
                for (String id : acknowledged) {
                    assertThat(index.get(id)).as(id).isPresent();
                }
                for (String id : new ArrayList<>(acknowledged).subList(0, 50)) {
                    assertThat(index.searchText("mk" + id.substring(1), 5, MetadataFilter.NONE))
                            .extracting(ChunkHit::docId).contains(id);
                }
                assertThat(index.stats().documents()).isGreaterThanOrEqualTo(acknowledged.size());
            }
        }
    }

    static HealthStatus health(OpenSearchDocumentIndex index) {
        try {
            return index.client().cluster().health(h -> h.index(index.indexName())).status();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition, Duration limit, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
