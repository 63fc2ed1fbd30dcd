package dev.tessera.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries against a stand-in that answers 429 or 503 a set number of times, as a saturated service does. */
class TesseraClientRetryTest {

    HttpServer server;
    final AtomicInteger refusalsLeft = new AtomicInteger();
    final List<Long> arrivals = new CopyOnWriteArrayList<>();
    volatile int refusalStatus = 429;
    volatile String retryAfter = "1";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/embeddings", exchange -> {
            arrivals.add(System.nanoTime());
            byte[] body;
            int status;
            if (refusalsLeft.getAndDecrement() > 0) {
                status = refusalStatus;
                if (retryAfter != null) {
                    exchange.getResponseHeaders().add("Retry-After", retryAfter);
                }
                exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                body = "{\"status\":429,\"title\":\"Too many requests\",\"detail\":\"the embedding queue is full\"}"
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                body = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.6,0.8]}],\"model\":\"m\"}"
                        .getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    TesseraClient client(int retries) {
        return TesseraClient.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort()).maxRetries(retries)
                .backoff(Duration.ofMillis(50)).build();
    }

    @Test
    void waitsAsLongAsRetryAfterSaysThenSucceeds() {
        refusalsLeft.set(2);
        List<float[]> v = client(3).embed(List.of("x"));
        assertThat(v.get(0)).containsExactly(0.6f, 0.8f);
        assertThat(arrivals).hasSize(3);
        assertThat(arrivals.get(1) - arrivals.get(0)).as("Retry-After: 1").isGreaterThanOrEqualTo(950_000_000L);
        assertThat(arrivals.get(2) - arrivals.get(1)).isGreaterThanOrEqualTo(950_000_000L);
    }

    @Test
    void withoutRetryAfterBacksOffAndGivesUpAfterMaxRetries() {
        refusalStatus = 503;
        retryAfter = null;
        refusalsLeft.set(10);
        assertThatThrownBy(() -> client(2).embed(List.of("x")))
                .isInstanceOfSatisfying(TesseraException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.retryAfterSeconds()).isEmpty();
                });
        assertThat(arrivals).hasSize(3);
        assertThat(arrivals.get(2) - arrivals.get(1)).as("doubled backoff").isGreaterThanOrEqualTo(95_000_000L);
    }

    @Test
    void aRefusalBeyondTheRetriesCarriesRetryAfter() {
        refusalsLeft.set(5);
        assertThatThrownBy(() -> client(0).embed(List.of("x")))
                .isInstanceOfSatisfying(TesseraException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfterSeconds()).contains(1L);
                    assertThat(e.detail()).contains("queue is full");
                });
        assertThat(arrivals).hasSize(1);
    }
}
