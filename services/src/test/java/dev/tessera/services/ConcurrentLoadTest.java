package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Ten seconds of concurrent ingest and search against the running service (the short form of
 * {@code ./tessera bench load}): every request succeeds, and every acknowledged document is
 * read back and found afterwards.
 */
class ConcurrentLoadTest {

    static final Duration RUN = Duration.ofSeconds(10);
    static final String[] WORDS = ("aerofoil wing flutter boundary layer transition turbulence vortex shock nozzle "
            + "turbine blade combustion injector thrust pressure velocity lift drag stall rotor wake cavity").split(" ");

    static String words(Random random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return s.toString();
    }

    @Test
    void concurrentIngestAndSearchAnswerEveryRequest() throws Exception {
        TesseraServer server = TesseraServer.shared();
        long deadline = System.nanoTime() + RUN.toNanos();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger searches = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    Random random = new Random(client);
                    for (int n = 0; System.nanoTime() < deadline; n++) {
                        String id = "load-" + client + "-" + n;
                        Reply r = server.postJson("/v1/documents", Map.of("id", id, "title", words(random, 3),
                                "text", words(random, 12) + ". " + words(random, 10) + ".", "metadata", Map.of("set", "load")));
                        if (r.status() == 201) {
                            acknowledged.add(id);
                        } else {
                            errors.add("ingest " + id + ": " + r.status() + " " + r.body());
                        }
                    }
                }));
            }
            for (int c = 0; c < 3; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    Random random = new Random(100 + client);
                    while (System.nanoTime() < deadline) {
                        Reply r = server.postJson("/v1/search", Map.of("query", words(random, 3), "k", 10,
                                "mode", "hybrid", "filter", Map.of("set", "load")));
                        if (r.status() == 200 && r.json().get("hits").isArray()) {
                            searches.incrementAndGet();
                        } else {
                            errors.add("search: " + r.status() + " " + r.body());
                        }
                    }
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(errors).isEmpty();
        assertThat(acknowledged).as("documents ingested under load").isNotEmpty();
        assertThat(searches.get()).as("searches answered under load").isPositive();
        for (String id : acknowledged) {
            assertThat(server.get("/v1/documents/" + id).status()).as(id).isEqualTo(200);
        }
        Reply all = server.postJson("/v1/search", Map.of("query", String.join(" ", WORDS), "k", 1000, "mode", "bm25",
                "filter", Map.of("set", "load"), "highlight", false));
        assertThat(all.json().get("hits").size()).as("every acknowledged document is searchable")
                .isEqualTo(acknowledged.size());
    }
}
