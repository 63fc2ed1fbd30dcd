package dev.tessera.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.opensearch.cluster.InProcessCluster;
import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.context.HashedWordsEmbedder;
import dev.tessera.retrieval.index.opensearch.OpenSearchDocumentIndex;
import dev.tessera.retrieval.index.opensearch.OpenSearchSettings;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
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

    @Test
    void aNodeStoppedDuringABulkIngestLosesNoAcknowledgedDocument() throws Exception {
        HashedWordsEmbedder embedder = new HashedWordsEmbedder(32);
        try (InProcessCluster cluster = TestCluster.start("node-loss")) {
            OpenSearchSettings settings = faultSettings(cluster, "node-loss");
            try (OpenSearchDocumentIndex index = OpenSearchDocumentIndex.open(settings, embedder.name(), embedder.dimension())) {
                DocumentIngestor ingestor = new DocumentIngestor(new TokenChunker(embedder.tokenizer(), 64, 8), embedder, index);
                AtomicBoolean holdRequested = new AtomicBoolean();
                CountDownLatch held = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                RecordedIngest ingest = new RecordedIngest(720).start(ingestor, 1, 24, () -> {
                    if (holdRequested.get() && held.getCount() > 0) { // the writer waits between two requests
                        held.countDown();
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });

                waitUntil(() -> ingest.acknowledged.size() >= 240, Duration.ofSeconds(60), "the first documents to be acknowledged");
                holdRequested.set(true);
                assertThat(held.await(60, TimeUnit.SECONDS)).isTrue();
                cluster.stopNode(cluster.aDataOnlyNode());
                release.countDown();
                int acknowledgedAtLoss = ingest.acknowledged.size();

                // While the cluster is yellow (the lost copies wait a minute before being rebuilt
                // elsewhere), searches for documents acknowledged before the loss must answer and find them.
                waitUntil(() -> health(index) == HealthStatus.Yellow, Duration.ofSeconds(30), "the cluster to turn yellow");
                ingest.searchesFindAcknowledged(index, 20);
                assertThat(health(index)).isEqualTo(HealthStatus.Yellow);

                ingest.awaitWriters(Duration.ofMinutes(4));
                System.out.println("node stopped: " + ingest.summary(acknowledgedAtLoss));
                ingest.assertNothingAcknowledgedWasLost(index, acknowledgedAtLoss);
            }
        }
    }

    /** Three shards with one replica; short timeouts and a patient retry policy, so faults show as retries. */
    static OpenSearchSettings faultSettings(InProcessCluster cluster, String index) {
        return new OpenSearchSettings(cluster.hosts(), null, null, null, null, null, index, 3, 1, Duration.ofSeconds(2),
                Duration.ofSeconds(20), 4, 8, 8, Duration.ofMillis(250));
    }

    static HealthStatus health(OpenSearchDocumentIndex index) {
        try {
            return index.client().cluster().health(h -> h.index(index.indexName())).status();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void waitUntil(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
