package dev.tessera.services.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestHistoryTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AtomicLong now = new AtomicLong(1_000_000);

    void request(String uri, String status, long millis) {
        Timer.builder(RequestHistory.METER).tags("uri", uri, "method", "POST", "status", status)
                .register(registry).record(millis, TimeUnit.MILLISECONDS);
    }

    RequestHistory history(Duration window) {
        return new RequestHistory(registry, Duration.ofSeconds(5), window, now::get);
    }

    @Test
    void ratesAndMeanLatencyArePerIntervalDifferencesOfTheRegistrysTimersSummedOverStatuses() {
        request("/v1/search", "200", 1000); // before the first sample: in the total, in no interval
        try (RequestHistory history = history(Duration.ofMinutes(1))) {
            request("/v1/search", "200", 10);
            request("/v1/search", "400", 30); // another timer of the same endpoint
            now.addAndGet(5000);
            history.sample();
            now.addAndGet(5000);
            history.sample(); // an idle interval

            RequestHistory.Requests r = history.series();
            assertThat(r.windowS()).isEqualTo(60);
            RequestHistory.Endpoint search = r.endpoints().getFirst();
            assertThat(search.uri()).isEqualTo("/v1/search");
            assertThat(search.total()).isEqualTo(3);
            assertThat(search.points()).hasSize(2);
            assertThat(search.points().get(0).ratePerS()).isEqualTo(0.4);
            assertThat(search.points().get(0).meanMs()).isEqualTo(20.0);
            assertThat(search.points().get(1).ratePerS()).isZero();
            assertThat(search.points().get(1).meanMs()).as("no requests, no latency").isNull();
        }
    }

    @Test
    void keepsOnlyTheWindowAndLeavesOutTheDashboardsOwnPolling() {
        try (RequestHistory history = history(Duration.ofSeconds(15))) {
            for (int i = 0; i < 10; i++) {
                request("/v1/documents", "201", 5);
                request("/v1/admin/stats", "200", 1);
                now.addAndGet(5000);
                history.sample();
            }
            RequestHistory.Requests r = history.series();
            assertThat(r.endpoints()).extracting(RequestHistory.Endpoint::uri).containsExactly("/v1/documents");
            assertThat(r.endpoints().getFirst().points()).as("15 s of 5 s intervals").hasSize(3);
            assertThat(r.endpoints().getFirst().total()).isEqualTo(10);
        }
    }

    @Test
    void anEndpointFirstSeenMidWindowStartsFromZero() {
        try (RequestHistory history = history(Duration.ofMinutes(1))) {
            now.addAndGet(5000);
            history.sample();
            request("/v1/embeddings", "200", 8);
            now.addAndGet(5000);
            history.sample();
            RequestHistory.Endpoint e = history.series().endpoints().getFirst();
            assertThat(e.points()).extracting(RequestHistory.Point::ratePerS).containsExactly(0.0, 0.2);
        }
    }
}
