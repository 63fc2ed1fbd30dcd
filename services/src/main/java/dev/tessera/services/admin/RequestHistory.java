package dev.tessera.services.admin;

import dev.tessera.services.config.TesseraProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Request rate and latency per endpoint over the last minutes. The numbers are Spring's own
 * {@code http.server.requests} timers (tagged by {@code uri}), which only ever count up: a ring of
 * their totals sampled every few seconds turns them into per-interval rates and mean latencies,
 * so nothing is measured twice and the dashboard agrees with {@code /actuator/prometheus}.
 */
@Component
public class RequestHistory implements AutoCloseable {

    static final String METER = "http.server.requests";
    /** The dashboard's own polling would otherwise be the busiest endpoint on an idle service. */
    static final String OWN_PREFIX = "/v1/admin/";

    /** Cumulative totals of one endpoint at one instant. */
    record Totals(long count, double totalMs) {}

    private record Sample(long atMillis, Map<String, Totals> byUri) {}

    /** One interval of one endpoint: requests per second and mean latency (null when there were none). */
    public record Point(long t, double ratePerS, Double meanMs) {}

    /** {@code total}: requests since start-up. */
    public record Endpoint(String uri, long total, List<Point> points) {}

    public record Requests(double intervalS, double windowS, List<Endpoint> endpoints) {}

    private final MeterRegistry registry;
    private final Duration interval;
    private final int capacity;
    private final LongSupplier clock;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final ScheduledExecutorService sampler;

    @Autowired
    public RequestHistory(MeterRegistry registry, TesseraProperties properties) {
        this(registry, properties.admin().sampleInterval(), properties.admin().history(), System::currentTimeMillis);
        long every = interval.toMillis();
        sampler.scheduleAtFixedRate(this::sample, every, every, TimeUnit.MILLISECONDS);
    }

    /** Without a schedule: {@link #sample()} is called by hand (tests). */
    RequestHistory(MeterRegistry registry, Duration interval, Duration history, LongSupplier clock) {
        if (interval.isNegative() || interval.isZero() || history.compareTo(interval) < 0) {
            throw new IllegalArgumentException("tessera.admin.sample-interval must be positive and at most tessera.admin.history");
        }
        this.registry = registry;
        this.interval = interval;
        this.capacity = (int) (history.toMillis() / interval.toMillis()) + 1; // n intervals need n + 1 samples
        this.clock = clock;
        this.sampler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("admin-request-sampler").factory());
        sample();
    }

    /** Reads the current totals from the registry into the ring. */
    void sample() {
        Map<String, Totals> byUri = new HashMap<>();
        for (Timer timer : registry.find(METER).timers()) {
            String uri = timer.getId().getTag("uri");
            if (uri == null || uri.startsWith(OWN_PREFIX)) {
                continue;
            }
            // One timer per method/status/outcome: an endpoint is their sum.
            byUri.merge(uri, new Totals(timer.count(), timer.totalTime(TimeUnit.MILLISECONDS)),
                    (a, b) -> new Totals(a.count() + b.count(), a.totalMs() + b.totalMs()));
        }
        synchronized (samples) {
            samples.addLast(new Sample(clock.getAsLong(), byUri));
            while (samples.size() > capacity) {
                samples.removeFirst();
            }
        }
    }

    /** Per-endpoint series over the sampled window, busiest endpoint first. */
    public Requests series() {
        List<Sample> ring;
        synchronized (samples) {
            ring = new ArrayList<>(samples);
        }
        Sample last = ring.getLast();
        TreeSet<String> uris = new TreeSet<>();
        ring.forEach(s -> uris.addAll(s.byUri().keySet()));
        List<Endpoint> endpoints = new ArrayList<>();
        for (String uri : uris) {
            List<Point> points = new ArrayList<>(ring.size() - 1);
            for (int i = 1; i < ring.size(); i++) {
                Totals before = ring.get(i - 1).byUri().getOrDefault(uri, new Totals(0, 0));
                Totals after = ring.get(i).byUri().getOrDefault(uri, new Totals(0, 0));
                long requests = after.count() - before.count();
                double seconds = (ring.get(i).atMillis() - ring.get(i - 1).atMillis()) / 1000.0;
                points.add(new Point(ring.get(i).atMillis(), seconds > 0 ? round(requests / seconds) : 0,
                        requests > 0 ? round((after.totalMs() - before.totalMs()) / requests) : null));
            }
            endpoints.add(new Endpoint(uri, last.byUri().getOrDefault(uri, new Totals(0, 0)).count(), points));
        }
        endpoints.sort(Comparator.comparingLong(Endpoint::total).reversed().thenComparing(Endpoint::uri));
        return new Requests(interval.toMillis() / 1000.0, (capacity - 1) * interval.toMillis() / 1000.0, endpoints);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
