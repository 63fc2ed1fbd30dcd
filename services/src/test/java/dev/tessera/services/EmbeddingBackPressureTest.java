package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A flood against a service whose embedding queue holds 12 texts: the overflow gets 429 with
 * {@code Retry-After} and nothing stored, every 2xx is complete, and the service answers normally
 * afterwards.
 */
class EmbeddingBackPressureTest {

    static TesseraServer server;

    @BeforeAll
    static void start() {
        server = TesseraServer.startBare("--tessera.embedding.max-queued-texts=12",
                "--tessera.embedding.max-queued-tokens=100000", "--tessera.embedding.max-wait-ms=20");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Outcome(String kind, int index, TesseraServer.Reply reply) {}

    @Test
    void aFloodIsToldToComeBackAndEveryAnswerGivenIsComplete() throws Exception {
        int clients = 24;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicInteger docs = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            running.add(pool.submit(() -> {
                for (int round = 0; round < 4; round++) {
                    int n = client * 10 + round;
                    switch ((client + round) % 3) {
                        case 0 -> outcomes.add(new Outcome("embed", n, server.postJson("/v1/embeddings", Map.of(
                                "input", List.of("flood text " + n, "second text of " + n, "third " + n, "fourth " + n)))));
                        case 1 -> {
                            int id = docs.incrementAndGet();
                            outcomes.add(new Outcome("ingest", id, server.postJson("/v1/documents", Map.of("id", "doc-" + id,
                                    "title", "Document " + id, "text", "Wing flutter and panel buckling, report " + id + "."))));
                        }
                        default -> outcomes.add(new Outcome("search", n, server.postJson("/v1/search",
                                Map.of("query", "wing flutter " + n, "k", 5))));
                    }
                }
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();

        int refused = 0;
        List<String> stored = new ArrayList<>();
        for (Outcome o : outcomes) {
            TesseraServer.Reply r = o.reply();
            if (r.status() == 429) {
                refused++;
                assertThat(r.isProblem()).as(r.body()).isTrue();
                assertThat(Long.parseLong(r.headers().get("Retry-After").getFirst())).isBetween(1L, 60L);
                continue;
            }
            assertThat(r.status()).as(o.kind() + " " + r.body()).isBetween(200, 299);
            switch (o.kind()) {
                case "embed" -> {
                    JsonNode data = r.json().get("data");
                    assertThat(data).hasSize(4);
                    data.forEach(d -> assertThat(d.get("embedding")).hasSize(384));
                }
                case "ingest" -> stored.add("doc-" + o.index());
                default -> assertThat(r.json().get("hits").isArray()).isTrue();
            }
        }
        assertThat(refused).as("a queue of 12 texts cannot hold 24 concurrent callers").isPositive();

        // Every acknowledged write is there, and only those: a refused ingest stored nothing.
        for (String id : stored) {
            assertThat(server.get("/v1/documents/" + id).status()).as(id).isEqualTo(200);
        }
        assertThat(server.postJson("/v1/documents/count", Map.of()).json().get("count").asLong()).isEqualTo(stored.size());

        // Healthy afterwards, and the refusals are counted where an operator looks.
        assertThat(server.get("/actuator/health").status()).isEqualTo(200);
        assertThat(server.postJson("/v1/embeddings", Map.of("input", "after the flood")).status()).isEqualTo(200);
        JsonNode queue = server.get("/v1/admin/stats").json().get("embedding_queues").get(0);
        assertThat(queue.get("rejections").asLong()).isEqualTo(refused);
        assertThat(queue.get("texts").asLong()).isZero();
        assertThat(queue.get("max_texts").asLong()).isEqualTo(12);
    }
}
