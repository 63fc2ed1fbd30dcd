package dev.tessera.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tessera.client.TesseraClient;
import dev.tessera.services.TesseraProcess;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.rag.Query;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Search with threshold and filter text, the embedding model, the retriever and the API key, over a real process. */
class TesseraSpringAiTest {

    static final String KEY = "spring-ai-key-77aa";
    static TesseraProcess service;
    static ApplicationContextRunner runner;

    @BeforeAll
    static void start() {
        service = TesseraProcess.start("--tessera.security.api-keys=" + KEY, "--tessera.security.protect-reads=true");
        runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TesseraAutoConfiguration.class))
                .withPropertyValues("tessera.client.base-url=" + service.baseUrl(), "tessera.client.api-key=" + KEY,
                        "tessera.client.collection=papers");
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void searchesWithThresholdAndFilterTextAndRetrievesContext() {
        runner.run(context -> {
            VectorStore store = context.getBean(VectorStore.class);
            store.add(List.of(
                    new Document("flutter", "Flutter of a swept wing at transonic speeds.", Map.of("year", 2021, "kind", "aero")),
                    new Document("shells", "Buckling of thin cylindrical shells under pressure.", Map.of("year", 2019, "kind", "structures")),
                    new Document("control", "Active control suppresses wing flutter.", Map.of("year", 2023, "kind", "aero"))));

            List<Document> all = store.similaritySearch(SearchRequest.builder().query("wing flutter").topK(3)
                    .similarityThresholdAll().build());
            assertThat(all).extracting(Document::getId).hasSize(3).doesNotHaveDuplicates();
            assertThat(all.get(0).getScore()).isGreaterThan(all.get(2).getScore());
            assertThat((Double) all.get(0).getMetadata().get("distance")).isCloseTo(1 - all.get(0).getScore(), within(1e-6));

            List<Document> filtered = store.similaritySearch(SearchRequest.builder().query("wing flutter").topK(5)
                    .filterExpression("kind == 'aero' && year >= 2022").build());
            assertThat(filtered).extracting(Document::getId).containsExactly("control");

            double threshold = all.get(1).getScore();
            assertThat(store.similaritySearch(SearchRequest.builder().query("wing flutter").topK(5)
                    .similarityThreshold(threshold).build())).hasSize(2);

            EmbeddingModel model = context.getBean(EmbeddingModel.class);
            assertThat(model.embed("wing")).hasSize(384);
            assertThat(model.embed(List.of("wing", "shell"))).hasSize(2);

            TesseraDocumentRetriever retriever = new TesseraDocumentRetriever(
                    context.getBean(TesseraClient.class).collection("papers"), 32, "crag", 5, null);
            List<Document> segments = retriever.retrieve(new Query("wing flutter"));
            assertThat(segments).isNotEmpty();
            assertThat(segments).allSatisfy(d -> assertThat(d.getMetadata()).containsKeys("doc_id", "chunk_id"));

            store.delete("kind == 'structures'");
            assertThat(store.similaritySearch(SearchRequest.builder().query("shells").topK(5).similarityThresholdAll()
                    .build())).extracting(Document::getId).containsExactlyInAnyOrder("flutter", "control");
        });
    }

    @Test
    void withoutTheKeyTheStoreIsRefused() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TesseraAutoConfiguration.class))
                .withPropertyValues("tessera.client.base-url=" + service.baseUrl(), "tessera.client.collection=papers")
                .run(context -> assertThat(context).hasFailed());
    }
}
