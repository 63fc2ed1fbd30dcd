package dev.tessera.client;

import static dev.tessera.client.Filters.and;
import static dev.tessera.client.Filters.eq;
import static dev.tessera.client.Filters.gte;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tessera.client.Model.CollectionInfo;
import dev.tessera.client.Model.CollectionSpec;
import dev.tessera.client.Model.Context;
import dev.tessera.client.Model.ContextRequest;
import dev.tessera.client.Model.Document;
import dev.tessera.client.Model.EmbeddingsRequest;
import dev.tessera.client.Model.ImageTokens;
import dev.tessera.client.Model.Job;
import dev.tessera.client.Model.Page;
import dev.tessera.client.Model.Search;
import dev.tessera.client.Model.SearchResult;
import dev.tessera.services.TesseraProcess;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against a real service process with API keys on. */
class TesseraClientTest {

    static final String KEY = "client-test-key-31f4";
    static TesseraProcess service;
    static TesseraClient tessera;

    @BeforeAll
    static void start() {
        service = TesseraProcess.start("--tessera.security.api-keys=" + KEY);
        tessera = TesseraClient.builder().baseUrl(service.baseUrl()).apiKey(KEY).build();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void storesFindsCountsListsAndDeletesDocumentsInACollection() {
        CollectionInfo info = tessera.createCollection(CollectionSpec.withModel("papers", "bge-small-en-v1.5"));
        assertThat(info.name()).isEqualTo("papers");
        assertThat(info.dimension()).isEqualTo(384);
        assertThat(tessera.collections()).extracting(CollectionInfo::name).contains("default", "papers");

        CollectionClient papers = tessera.collection("papers");
        String[] texts = {"Flutter of a swept wing at transonic speeds.", "Buckling of thin cylindrical shells under pressure.",
                "Heat transfer in laminar boundary layers.", "Wing flutter suppression with active controls."};
        for (int i = 0; i < texts.length; i++) {
            assertThat(papers.add(Document.of(texts[i]).withId("p" + i).withTitle("Paper " + i)
                    .withMetadata(Map.of("year", 2000 + i, "topic", i % 3 == 0 ? "flutter" : "other"))).chunks())
                    .isEqualTo(1);
        }
        assertThat(papers.get("p1")).get().satisfies(d -> {
            assertThat(d.text()).isEqualTo(texts[1]);
            assertThat(((Number) d.metadata().get("year")).longValue()).isEqualTo(2001);
        });
        assertThat(papers.get("nope")).isEmpty();

        SearchResult r = papers.search(Search.query("wing flutter").withK(3).withFilter(and(eq("topic", "flutter"),
                gte("year", 2000))));
        assertThat(r.hits()).extracting(Model.Hit::docId).containsExactlyInAnyOrder("p0", "p3");
        assertThat(r.hits().get(0).scores()).isNotNull();
        assertThat(r.hits().get(0).score()).isBetween(0f, 1f);
        assertThat(r.hits().get(0).metadata()).containsEntry("topic", "flutter");

        assertThat(papers.count(null)).isEqualTo(4);
        assertThat(papers.count(eq("topic", "other"))).isEqualTo(2);

        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
            Page page = papers.list(3, cursor, null);
            page.documents().forEach(d -> listed.add(d.id()));
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(listed).containsExactly("p0", "p1", "p2", "p3");

        assertThat(papers.delete("p2")).isTrue();
        assertThat(papers.delete("p2")).isFalse();
        assertThat(papers.deleteWhere(eq("topic", "flutter"))).isEqualTo(2);
        assertThat(papers.deleteIds(List.of("p1", "p9"))).isEqualTo(1);
        assertThat(papers.count(null)).isZero();
        tessera.deleteCollection("papers");
        assertThat(tessera.collections()).extracting(CollectionInfo::name).doesNotContain("papers");
    }

    @Test
    void clientVectorsBulkJobsAndContext() {
        tessera.createCollection(CollectionSpec.withClientVectors("vectors", 3, "cosine"));
        CollectionClient vectors = tessera.collection("vectors");
        vectors.add(Document.of("east").withId("e").withEmbedding(new float[] {1, 0, 0}));
        vectors.add(Document.of("north").withId("n").withEmbedding(new float[] {0, 1, 0}));
        SearchResult byVector = vectors.search(Search.vector(new float[] {0.9f, 0.1f, 0}).withK(1));
        assertThat(byVector.hits()).extracting(Model.Hit::docId).containsExactly("e");

        CollectionClient docs = tessera.collection("default");
        List<Document> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(Document.of("Report " + i + " on the aerodynamics of wings, flutter and lift.").withId("r" + i));
        }
        Job job = tessera.awaitJob(docs.bulk(batch).id(), Duration.ofMinutes(2));
        assertThat(job.state()).isEqualTo("done");
        assertThat(job.done()).isEqualTo(40);

        Context context = docs.context(ContextRequest.of("wing flutter", 64).withStrategy("crag"));
        assertThat(context.tokensUsed()).isPositive().isLessThanOrEqualTo(64);
        assertThat(context.segments()).isNotEmpty();
        assertThat(docs.deleteAll()).isEqualTo(40);
    }

    @Test
    void embedsAndTokenizes() throws Exception {
        List<float[]> v = tessera.embed(new EmbeddingsRequest(List.of("wing flutter", "lift"), null, 128, null));
        assertThat(v).hasSize(2);
        double norm = 0;
        for (float x : v.get(0)) {
            norm += x * x;
        }
        assertThat(v.get(0)).hasSize(128);
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-4));

        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | 128);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        ImageTokens tokens = tessera.tokenizeImage(png.toByteArray(), null, null);
        assertThat(tokens.tokens()).hasSize(tokens.numTokens());
        assertThat(tokens.tokens()).allSatisfy(t -> assertThat(t).isBetween(0, tokens.codebookSize() - 1));
        byte[] back = tessera.detokenizeImage(tokens.model(), tokens.tokens(), null);
        assertThat(ImageIO.read(new java.io.ByteArrayInputStream(back)).getWidth()).isEqualTo(tokens.imageSize());
    }

    @Test
    void problemsBecomeExceptionsNamingTheField() {
        assertThatThrownBy(() -> tessera.collection("default").search(Search.query("x").withFilter(Map.of("year",
                Map.of("between", 3)))))
                .isInstanceOfSatisfying(TesseraException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.field()).get().asString().startsWith("filter");
                });
        assertThatThrownBy(() -> tessera.collection("missing").count(null))
                .isInstanceOfSatisfying(TesseraException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.field()).contains("collection");
                });
        TesseraClient keyless = TesseraClient.builder().baseUrl(service.baseUrl()).build();
        assertThatThrownBy(() -> keyless.collection("default").add(Document.of("no key")))
                .isInstanceOfSatisfying(TesseraException.class, e -> assertThat(e.status()).isEqualTo(401));
    }
}
