package dev.tessera.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.query.Query;
import dev.tessera.client.CollectionClient;
import dev.tessera.client.Filters;
import dev.tessera.client.Model.CollectionSpec;
import dev.tessera.client.Model.Document;
import dev.tessera.client.TesseraClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TesseraModelAndRetrieverTest {

    static CollectionClient papers;

    @BeforeAll
    static void fill() {
        TesseraClient client = SharedService.client();
        client.createCollection(CollectionSpec.withModel("lc4j-papers", "bge-small-en-v1.5"));
        papers = client.collection("lc4j-papers");
        papers.deleteAll();
        papers.add(Document.of("Flutter of a swept wing at transonic speeds.").withId("flutter")
                .withMetadata(Map.of("kind", "aero")));
        papers.add(Document.of("Buckling of thin cylindrical shells under external pressure.").withId("shells")
                .withMetadata(Map.of("kind", "structures")));
        papers.add(Document.of("Active control suppresses wing flutter in wind-tunnel tests.").withId("control")
                .withMetadata(Map.of("kind", "aero")));
    }

    @Test
    void theEmbeddingModelIsTesserasEmbeddingsEndpoint() {
        TesseraEmbeddingModel model = new TesseraEmbeddingModel(SharedService.client(), "bge-small-en-v1.5");
        List<Embedding> vectors = model.embedAll(List.of(TextSegment.from("wing flutter"), TextSegment.from("shells")))
                .content();
        assertThat(vectors).hasSize(2);
        assertThat(model.dimension()).isEqualTo(384);
        assertThat(vectors.get(0).dimension()).isEqualTo(384);
        double norm = 0;
        for (float x : vectors.get(0).vector()) {
            norm += x * x;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1, within(1e-4));
        assertThat(new TesseraEmbeddingModel(SharedService.client(), null, 64, true).embed("wing").content().dimension())
                .isEqualTo(64);
    }

    @Test
    void hybridRetrievalRanksTheMatchingChunksAndHonoursTheFilter() {
        List<Content> found = TesseraContentRetriever.hybrid(papers, 2, Filters.eq("kind", "aero"))
                .retrieve(Query.from("wing flutter"));
        assertThat(found).hasSize(2);
        assertThat(found).allSatisfy(c -> assertThat(c.textSegment().text()).containsIgnoringCase("flutter"));
        assertThat(found.get(0).metadata().get(ContentMetadata.SCORE)).isInstanceOf(Double.class);
        assertThat(found.get(0).textSegment().metadata().getString("kind")).isEqualTo("aero");
    }

    @Test
    void contextRetrievalStaysUnderTheBudget() {
        List<Content> found = TesseraContentRetriever.context(papers, 24, "topk", 5, null).retrieve(Query.from("flutter"));
        assertThat(found).isNotEmpty();
        int words = found.stream().mapToInt(c -> c.textSegment().text().split("\\s+").length).sum();
        assertThat(words).isLessThanOrEqualTo(24);
    }
}
