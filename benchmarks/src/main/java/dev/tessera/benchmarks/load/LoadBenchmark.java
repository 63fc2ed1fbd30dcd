package dev.tessera.benchmarks.load;

import dev.tessera.benchmarks.ServiceProcess;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.cli.UsageException;
import dev.tessera.benchmarks.report.MarkdownTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench load}: a bounded load run over loopback against the service jar started as a child
 * process. Ingest clients post single documents while search clients run hybrid searches, all
 * for {@code --seconds}; then every acknowledged document is read back. Prints throughput and
 * p50/p99 per operation and the error count; any error (a non-2xx answer, a timeout, an
 * acknowledged document that cannot be read back) makes the command exit 1.
 */
public final class LoadBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int KEEP_ERROR_SAMPLES = 10;

    private LoadBenchmark() {}

    /** @return the process exit status: 0 without errors, 1 with any */
    public static int run(Args args) {
        args.allow("seconds", "ingest-clients", "search-clients", "seed-docs", "jar");
        int seconds = args.getInt("seconds", 60);
        int ingesters = args.getInt("ingest-clients", 2);
        int searchers = args.getInt("search-clients", 4);
        int seedDocs = args.getInt("seed-docs", 200);
        if (seconds < 1 || ingesters < 1 || searchers < 1 || seedDocs < 0) {
            throw new UsageException("--seconds, --ingest-clients and --search-clients must be positive");
        }
        Path jar = Path.of(args.get("jar", "services/target/tessera.jar"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try (ServiceProcess service = ServiceProcess.start(jar, "tessera-load-")) {
            Client client = new Client(http, service.base());
            seed(client, seedDocs);
            for (int i = 0; i < 20; i++) { // connections and JIT, not measured
                client.search(Corpus.query(new Random(i)));
            }
            System.err.printf("load: %d s, %d ingest and %d search clients%n", seconds, ingesters, searchers);
            long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            List<Worker> workers = new ArrayList<>();
            for (int i = 0; i < ingesters; i++) {
                workers.add(new Worker("ingest", i, deadline, client));
            }
            for (int i = 0; i < searchers; i++) {
                workers.add(new Worker("search", i, deadline, client));
            }
            long started = System.nanoTime();
            List<Thread> threads = workers.stream().map(w -> Thread.ofPlatform().name("load-" + w.kind + "-" + w.index)
                    .start(w)).toList();
            for (Thread t : threads) {
                t.join();
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            Recorder ingest = Recorder.merge(workers.stream().filter(w -> w.kind.equals("ingest")).map(w -> w.recorder).toList());
            Recorder search = Recorder.merge(workers.stream().filter(w -> w.kind.equals("search")).map(w -> w.recorder).toList());
            Recorder readBack = new Recorder();
            for (Worker w : workers) {
                for (String id : w.acknowledged) {
                    readBack.time(() -> client.read(id));
                }
            }
            report(seconds, ingesters, searchers, elapsed, ingest, search, readBack);
            long errors = ingest.errors + search.errors + readBack.errors;
            return errors == 0 ? 0 : 1;
        } catch (IOException e) {
            throw new UncheckedIOException("seeding or warm-up failed before the measured run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A corpus to search from the first second; ingested with one bulk job. */
    private static void seed(Client client, int docs) throws IOException, InterruptedException {
        if (docs == 0) {
            return;
        }
        StringBuilder ndjson = new StringBuilder();
        Random random = new Random(7);
        for (int i = 0; i < docs; i++) {
            ndjson.append(JSON.writeValueAsString(Corpus.document("seed-" + i, random))).append('\n');
        }
        String job = client.bulk(ndjson.toString());
        while (true) {
            JsonNode status = client.job(job);
            String state = status.path("state").asString();
            if (!state.equals("queued") && !state.equals("running")) {
                if (!state.equals("done") || status.path("failed").asLong() > 0) {
                    throw new IllegalStateException("seeding failed: " + status);
                }
                System.err.printf("seeded %d documents%n", docs);
                return;
            }
            Thread.sleep(200);
        }
    }

    /** One client thread: ingests or searches back to back until the deadline. */
    private static final class Worker implements Runnable {
        final String kind;
        final int index;
        final long deadline;
        final Client client;
        final Recorder recorder = new Recorder();
        final List<String> acknowledged = new ArrayList<>();

        Worker(String kind, int index, long deadline, Client client) {
            this.kind = kind;
            this.index = index;
            this.deadline = deadline;
            this.client = client;
        }

        @Override
        public void run() {
            Random random = new Random(31L * index + kind.hashCode());
            for (int n = 0; System.nanoTime() < deadline; n++) {
                if (kind.equals("ingest")) {
                    Map<String, Object> doc = Corpus.document("load-" + index + "-" + n, random);
                    if (recorder.time(() -> client.ingest(doc))) {
                        acknowledged.add((String) doc.get("id"));
                    }
                } else {
                    String query = Corpus.query(random);
                    recorder.time(() -> client.search(query));
                }
            }
        }
    }

    /** Latencies and errors of one kind of request. */
    static final class Recorder {
        private long[] nanos = new long[1024];
        int count;
        long errors;
        final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();

        interface Request {
            void send() throws IOException, InterruptedException;
        }

        /** @return whether the request succeeded */
        boolean time(Request request) {
            long t0 = System.nanoTime();
            try {
                request.send();
            } catch (IOException | RuntimeException e) {
                errors++;
                if (samples.size() < KEEP_ERROR_SAMPLES) {
                    samples.add(e.getMessage());
                }
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                errors++;
                return false;
            }
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = System.nanoTime() - t0;
            return true;
        }

        static Recorder merge(List<Recorder> parts) {
            Recorder all = new Recorder();
            for (Recorder r : parts) {
                for (int i = 0; i < r.count; i++) {
                    if (all.count == all.nanos.length) {
                        all.nanos = Arrays.copyOf(all.nanos, all.count * 2);
                    }
                    all.nanos[all.count++] = r.nanos[i];
                }
                all.errors += r.errors;
                r.samples.stream().limit(Math.max(0, KEEP_ERROR_SAMPLES - all.samples.size())).forEach(all.samples::add);
            }
            return all;
        }

        /** Nearest-rank percentile in milliseconds; NaN without samples. */
        double percentileMillis(double p) {
            if (count == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(p / 100.0 * count);
            return sorted[Math.max(0, rank - 1)] / 1e6;
        }
    }

    /** The HTTP calls; a non-2xx answer is an {@link IOException} carrying the status and body. */
    private record Client(HttpClient http, String base) {
        void ingest(Map<String, Object> doc) throws IOException, InterruptedException {
            send("POST", "/v1/documents", JSON.writeValueAsString(doc), "application/json", 201);
        }

        void search(String query) throws IOException, InterruptedException {
            String body = send("POST", "/v1/search", JSON.writeValueAsString(Map.of("query", query, "k", 10,
                    "mode", "hybrid")), "application/json", 200);
            if (!JSON.readTree(body).path("hits").isArray()) {
                throw new IOException("search answered without hits: " + body);
            }
        }

        void read(String id) throws IOException, InterruptedException {
            String body = send("GET", "/v1/documents/" + id, null, null, 200);
            if (!id.equals(JSON.readTree(body).path("id").asString())) {
                throw new IOException("GET /v1/documents/" + id + " answered another document: " + body);
            }
        }

        String bulk(String ndjson) throws IOException, InterruptedException {
            return JSON.readTree(send("POST", "/v1/documents/bulk", ndjson, "application/x-ndjson", 202))
                    .path("id").asString();
        }

        JsonNode job(String id) throws InterruptedException {
            try {
                return JSON.readTree(send("GET", "/v1/jobs/" + id, null, null, 200));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private String send(String method, String path, String body, String type, int expected)
                throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            if (type != null) {
                b.header("Content-Type", type);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                throw new IOException(method + " " + path + " answered " + r.statusCode() + ": "
                        + r.body().substring(0, Math.min(300, r.body().length())));
            }
            return r.body();
        }
    }

    private static void report(int seconds, int ingesters, int searchers, double elapsed, Recorder ingest,
            Recorder search, Recorder readBack) {
        MarkdownTable table = new MarkdownTable("operation", ">requests", ">per second", ">p50 ms", ">p99 ms", ">errors");
        table.row("ingest `POST /v1/documents` (" + ingesters + " clients)", ingest.count,
                fmt(ingest.count / elapsed), fmt(ingest.percentileMillis(50)), fmt(ingest.percentileMillis(99)),
                ingest.errors);
        table.row("search `POST /v1/search` hybrid, k = 10 (" + searchers + " clients)", search.count,
                fmt(search.count / elapsed), fmt(search.percentileMillis(50)), fmt(search.percentileMillis(99)),
                search.errors);
        table.row("read-back `GET /v1/documents/{id}` of every acknowledged document, after the run", readBack.count,
                "–", fmt(readBack.percentileMillis(50)), fmt(readBack.percentileMillis(99)), readBack.errors);
        System.out.printf("%n### Load over loopback: %d s, %d ingest and %d search clients, concurrently (%.1f s measured)%n%n",
                seconds, ingesters, searchers, elapsed);
        System.out.print(table);
        long errors = ingest.errors + search.errors + readBack.errors;
        System.out.printf("%nerrors: %d%n", errors);
        Map<String, Recorder> byKind = new LinkedHashMap<>();
        byKind.put("ingest", ingest);
        byKind.put("search", search);
        byKind.put("read-back", readBack);
        byKind.forEach((kind, r) -> r.samples.forEach(s -> System.out.println("  " + kind + ": " + s)));
    }

    private static String fmt(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.1f", value);
    }
}
