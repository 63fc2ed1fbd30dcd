package dev.tessera.opensearch;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import dev.tessera.client.TesseraClient;
import dev.tessera.langchain4j.TesseraEmbeddingStore;
import dev.tessera.opensearch.cluster.InProcessCluster;
import dev.tessera.services.TesseraProcess;
import java.net.URI;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * LangChain4j's EmbeddingStoreWithFilteringIT, unmodified, once more: the store talks to the service,
 * whose index is the three-node cluster, so every LangChain4j filter goes through OpenSearch's bool queries.
 */
class LangChain4jFilteringOnOpenSearchTest extends EmbeddingStoreWithFilteringIT {

    static InProcessCluster cluster;
    static TesseraProcess service;
    static TesseraEmbeddingStore store;
    static EmbeddingModel model;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(TesseraProcess.servicesTarget() != null, "the services module is not built (run the whole reactor)");
        cluster = TestCluster.start("lc4j");
        String hosts = cluster.hosts().stream().map(URI::toString).collect(Collectors.joining(","));
        service = TesseraProcess.start("--tessera.index.backend=opensearch", "--tessera.opensearch.hosts=" + hosts,
                "--tessera.opensearch.index=tessera-lc4j", "--tessera.opensearch.shards=2",
                "--tessera.opensearch.replicas=1");
        model = new AllMiniLmL6V2QuantizedEmbeddingModel();
        store = TesseraEmbeddingStore.builder().client(TesseraClient.builder().baseUrl(service.baseUrl()).build())
                .collection("lc4j").dimension(model.dimension()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        return store;
    }

    @Override
    protected EmbeddingModel embeddingModel() {
        return model;
    }

    @Override
    protected void clearStore() {
        store.removeAll();
    }

    /** Tessera's {@code contains} is what ContainsString asks for, on this backend too. */
    @Override
    protected boolean supportsContains() {
        return true;
    }
}
