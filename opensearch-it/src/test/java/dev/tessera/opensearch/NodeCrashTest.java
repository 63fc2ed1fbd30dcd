package dev.tessera.opensearch;

import static dev.tessera.opensearch.NodeLossTest.health;
import static dev.tessera.opensearch.NodeLossTest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.opensearch.cluster.ExternalDataNode;
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
 * A data node is killed (SIGKILL of its process) while bulk requests are in flight: two
 * in-process nodes plus one node in a process of its own, three shards with one replica each. Every
 * document ends acknowledged or reported failed by id, no acknowledged one is lost, and searches
 * answer while the cluster is yellow.
 */
class NodeCrashTest {

    private static final int DOCUMENTS = 720;
    private static final int BATCH = 24;

    @Test
    void aDataNodeKilledMidBulkLosesNoAcknowledgedDocument() throws Exception {
        HashedWordsEmbedder embedder = new HashedWordsEmbedder(32);
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        try (InProcessCluster cluster = InProcessCluster.start(2, "node-crash");
                ExternalDataNode external = ExternalDataNode.start("node-crash", classpath)) {
            OpenSearchSettings settings = new OpenSearchSettings(cluster.hosts(), null, null, null, null, null,
                    "node-crash", 3, 1, Duration.ofSeconds(2), Duration.ofSeconds(20), 4, 8, 8, Duration.ofMillis(250));
            // The index is created once the external node has joined, so it holds a third of the shard copies.
            var client = dev.tessera.retrieval.index.opensearch.OpenSearchClients.create(settings);
            try {
                waitUntil(() -> nodes(client) == 3 || !external.isAlive(), Duration.ofSeconds(90), "the external node to join");
                assertThat(nodes(client)).as("nodes; the external node's log:\n" + java.nio.file.Files.readString(external.log()))
                        .isEqualTo(3);
            } finally {
                dev.tessera.retrieval.index.opensearch.OpenSearchClients.close(client);
            }
            try (OpenSearchDocumentIndex index = OpenSearchDocumentIndex.open(settings, embedder.name(), embedder.dimension())) {
                DocumentIngestor ingestor = new DocumentIngestor(new TokenChunker(embedder.tokenizer(), 64, 8), embedder, index);
                List<Document> docs = new ArrayList<>();
                for (int i = 0; i < DOCUMENTS; i++) {
                    docs.add(new Document("d" + i, "Report " + i, "Test section report with marker word mk" + i
                            + " about model " + (i % 11) + " in the wind tunnel", Map.of("n", i)));
                }
                Set<String> acknowledged = Collections.synchronizedSet(new HashSet<>());
                Map<String, String> failed = Collections.synchronizedMap(new LinkedHashMap<>());
                // Two writers, so a bulk request is almost always in flight when the node dies.
                List<CompletableFuture<Void>> writers = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    int first = w;
                    writers.add(CompletableFuture.runAsync(() -> {
                        for (int from = first * BATCH; from < docs.size(); from += 2 * BATCH) {
                            List<Document> batch = docs.subList(from, Math.min(docs.size(), from + BATCH));
                            try {
                                ingestor.ingestAll(batch);
                                batch.forEach(d -> acknowledged.add(d.id()));
                            } catch (IndexWriteException e) {
                                failed.putAll(e.failed());
                                batch.stream().map(Document::id).filter(id -> !e.failed().containsKey(id))
                                        .forEach(acknowledged::add);
                            } catch (IndexUnavailableException e) {
                                batch.forEach(d -> failed.put(d.id(), e.getMessage()));
                            }
                        }
                    }));
                }

                waitUntil(() -> acknowledged.size() >= 192, Duration.ofSeconds(60), "the first documents to be acknowledged");
                external.kill();
                int acknowledgedAtCrash = acknowledged.size();

                waitUntil(() -> health(index) == HealthStatus.Yellow, Duration.ofSeconds(60), "the cluster to turn yellow");
                List<String> before = new ArrayList<>(acknowledged);
                for (int i = 0; i < 20; i++) {
                    String id = before.get((i * 37) % before.size());
                    assertThat(index.searchText("mk" + id.substring(1), 5, MetadataFilter.NONE))
                            .as("search for " + id + " while yellow").extracting(ChunkHit::docId).contains(id);
                }

                CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(4, TimeUnit.MINUTES);
                System.err.printf("external node killed after %d acknowledged documents; %d acknowledged in all, %d"
                        + " reported failed%s%n", acknowledgedAtCrash, acknowledged.size(), failed.size(),
                        failed.isEmpty() ? "" : " (first: " + failed.values().iterator().next() + ")");

                Set<String> union = new HashSet<>(acknowledged);
                union.addAll(failed.keySet());
                assertThat(union).hasSize(DOCUMENTS);
                assertThat(Collections.disjoint(acknowledged, failed.keySet())).as("acknowledged and failed overlap").isTrue();
                assertThat(acknowledged.size()).as("the ingest went on after the crash").isGreaterThan(acknowledgedAtCrash);
                for (String id : acknowledged) {
                    assertThat(index.get(id)).as(id).isPresent();
                }
                assertThat(index.stats().documents()).isGreaterThanOrEqualTo(acknowledged.size());
            }
        }
    }

    private static int nodes(org.opensearch.client.opensearch.OpenSearchClient client) {
        try {
            return client.cluster().health(h -> h).numberOfNodes();
        } catch (java.io.IOException | RuntimeException e) {
            return 0; // not answering yet
        }
    }
}
