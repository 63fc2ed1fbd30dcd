package dev.tessera.opensearch;

import static dev.tessera.opensearch.NodeLossTest.health;
import static dev.tessera.opensearch.NodeLossTest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.opensearch.cluster.ExternalDataNode;
import dev.tessera.opensearch.cluster.InProcessCluster;
import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.context.HashedWordsEmbedder;
import dev.tessera.retrieval.index.opensearch.OpenSearchClients;
import dev.tessera.retrieval.index.opensearch.OpenSearchDocumentIndex;
import dev.tessera.retrieval.index.opensearch.OpenSearchSettings;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.HealthStatus;

/**
 * A data node is killed (SIGKILL of its process) while bulk requests are in flight: two
 * in-process nodes plus one node in a process of its own, three shards with one replica each. Every
 * document ends acknowledged or reported failed by id, no acknowledged one is lost, and searches
 * answer while the cluster is yellow.
 */
class NodeCrashTest {

    @Test
    void aDataNodeKilledMidBulkLosesNoAcknowledgedDocument() throws Exception {
        // As in production: with OpenSearch's assertions on, a test-only check of its own can fail
        // the replica's promotion after the kill and leave the cluster red (see this module's pom).
        assertThat(org.opensearch.index.shard.IndexShard.class.desiredAssertionStatus())
                .as("OpenSearch's assertions in the test JVM").isFalse();
        HashedWordsEmbedder embedder = new HashedWordsEmbedder(32);
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        try (InProcessCluster cluster = InProcessCluster.start(2, "node-crash");
                ExternalDataNode external = ExternalDataNode.start("node-crash", classpath)) {
            OpenSearchSettings settings = NodeLossTest.faultSettings(cluster, "node-crash");
            // The index is created once the external node has joined, so it holds a third of the shard copies.
            OpenSearchClient client = OpenSearchClients.create(settings);
            try {
                waitUntil(() -> nodes(client) == 3 || !external.isAlive(), Duration.ofSeconds(90), "the external node to join");
                assertThat(nodes(client)).as("nodes; the external node's log:\n" + Files.readString(external.log())).isEqualTo(3);
            } finally {
                OpenSearchClients.close(client);
            }
            try (OpenSearchDocumentIndex index = OpenSearchDocumentIndex.open(settings, embedder.name(), embedder.dimension())) {
                DocumentIngestor ingestor = new DocumentIngestor(new TokenChunker(embedder.tokenizer(), 64, 8), embedder, index);
                // Two writers, so a bulk request is almost always in flight when the node dies.
                RecordedIngest ingest = new RecordedIngest(720).start(ingestor, 2, 24, () -> {});

                waitUntil(() -> ingest.acknowledged.size() >= 192, Duration.ofSeconds(60), "the first documents to be acknowledged");
                external.kill();
                int acknowledgedAtCrash = ingest.acknowledged.size();

                waitUntil(() -> health(index) == HealthStatus.Yellow, Duration.ofSeconds(60), "the cluster to turn yellow");
                int stale = ingest.searchesFindAcknowledged(index, 20);

                ingest.awaitWriters(Duration.ofMinutes(4));
                System.out.println("external node killed: " + ingest.summary(acknowledgedAtCrash)
                        + "; " + stale + " stale search answers while a replica was promoted");
                ingest.assertNothingAcknowledgedWasLost(index, acknowledgedAtCrash);
            }
        }
    }

    private static int nodes(OpenSearchClient client) {
        try {
            return client.cluster().health(h -> h).numberOfNodes();
        } catch (java.io.IOException | RuntimeException e) {
            return 0; // not answering yet
        }
    }
}
