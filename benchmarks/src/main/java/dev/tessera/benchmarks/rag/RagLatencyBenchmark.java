package dev.tessera.benchmarks.rag;

import dev.tessera.benchmarks.ServiceProcess;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.data.BeirDataset;
import dev.tessera.benchmarks.data.BeirReader;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.benchmarks.report.Progress;
import dev.tessera.retrieval.document.Document;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench rag-http}: latency of {@code POST /v1/rag/context} per strategy through the real
 * HTTP server, against {@code POST /v1/search} with the same k as the baseline (retrieval alone).
 * Starts the service jar as a child process ({@link ServiceProcess}), ingests the
 * dataset through the bulk endpoint, then sends every question once per strategy ("first": the
 * chunk-embedding cache has not seen this question's candidates from this strategy) and once more
 * ("repeat": the cache is warm). Requests are sequential, one client, so times are service times.
 */
public final class RagLatencyBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private RagLatencyBenchmark() {}

    public static void run(Args args) {
        args.allow("dataset", "questions", "k", "budget", "strategies", "jar", "warmup", "cold", "restarts", "spans");
        if (Boolean.parseBoolean(args.get("cold", "false"))) {
            runCold(args);
            return;
        }
        Path dir = Path.of(args.require("dataset"));
        int limit = args.getInt("questions", 200);
        int k = args.getInt("k", 20);
        int budget = args.getInt("budget", 256);
        int warmup = args.getInt("warmup", 20);
        List<String> strategies = List.of(args.get("strategies", "topk,crag,refrag").split(","));
        Path jar = Path.of(args.get("jar", "services/target/tessera.jar"));
        BeirDataset data = BeirReader.read(dir);
        List<RagEvaluation.Question> questions = RagEvaluation.questions(dir.resolve("queries.jsonl"), limit + warmup);
        List<RagEvaluation.Question> warm = questions.subList(0, Math.min(warmup, questions.size()));
        List<RagEvaluation.Question> measured = questions.subList(warm.size(), questions.size());
        try (ServiceProcess service = ServiceProcess.start(jar, "tessera-rag-http-")) {
            String base = service.base();
            ingest(base, data.documents());
            for (RagEvaluation.Question q : warm) { // JIT and connection warm-up, not measured
                search(base, q.text(), k);
                for (String s : strategies) context(base, q.text(), s, k, budget);
            }
            Map<String, List<Long>> times = new LinkedHashMap<>();
            Progress progress = new Progress("requests", 2L * measured.size() * (strategies.size() + 1));
            for (String pass : List.of("first", "repeat")) {
                for (RagEvaluation.Question q : measured) {
                    times.computeIfAbsent("search|" + pass, x -> new ArrayList<>()).add(search(base, q.text(), k));
                    for (String s : strategies) {
                        times.computeIfAbsent(s + "|" + pass, x -> new ArrayList<>())
                                .add(context(base, q.text(), s, k, budget));
                    }
                    progress.advance(strategies.size() + 1);
                }
            }
            report(times, strategies, measured.size(), k, budget);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code --cold true}: what a user meets right after a deployment. Ingest, restart the service (a
     * fresh process on the same data: empty caches, cold JIT), then walk the questions: each is first
     * searched (hybrid, k), and only a question none of whose candidates any RAG request has touched
     * yet goes on, alternately to crag and to refrag, so both strategies are asked different
     * questions on untouched candidates. The first {@code --warmup} such questions warm the JVM and
     * are not reported (their candidates count as touched). {@code --restarts N} (3) repeats the walk in
     * N fresh processes, each over the questions not asked yet, for a larger sample; {@code --spans}
     * (late) is the service's {@code tessera.rag.spans}, so {@code none} measures the path before
     * span vectors were stored.
     */
    private static void runCold(Args args) {
        Path dir = Path.of(args.require("dataset"));
        int limit = args.getInt("questions", 2000);
        int k = args.getInt("k", 20);
        int budget = args.getInt("budget", 256);
        int warmup = args.getInt("warmup", 4);
        Path jar = Path.of(args.get("jar", "services/target/tessera.jar"));
        BeirDataset data = BeirReader.read(dir);
        List<RagEvaluation.Question> questions = RagEvaluation.questions(dir.resolve("queries.jsonl"), limit);
        int restarts = args.getInt("restarts", 3);
        String spans = args.get("spans", "late");
        ServiceProcess first = ServiceProcess.start(jar, "tessera-rag-cold-", "--tessera.rag.spans=" + spans);
        try {
            ingest(first.base(), data.documents());
        } catch (IOException | RuntimeException e) {
            first.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        } catch (InterruptedException e) {
            first.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        ServiceProcess service = first;
        try {
            Map<String, List<Long>> times = new LinkedHashMap<>();
            java.util.Set<String> done = new java.util.HashSet<>(); // questions asked in an earlier life
            int asked = 0;
            int skipped = 0;
            int reported = 0;
            // Each restart is a fresh process (empty caches, cold JIT): its candidates are untouched again.
            for (int life = 0; life < restarts; life++) {
                service = service.restarted();
                String base = service.base();
                java.util.Set<String> touched = new java.util.HashSet<>();
                int inLife = 0;
                for (RagEvaluation.Question q : questions) {
                    if (done.contains(q.text())) continue;
                    long t0 = System.nanoTime();
                    HttpResponse<String> found = post(base + "/v1/search", Map.of("query", q.text(), "k", k, "mode", "hybrid"));
                    long searchNanos = System.nanoTime() - t0;
                    List<String> chunks = new ArrayList<>();
                    JSON.readTree(found.body()).path("hits").forEach(h -> chunks.add(h.path("chunk_id").asString()));
                    if (chunks.stream().anyMatch(touched::contains)) {
                        skipped++;
                        continue;
                    }
                    String strategy = asked % 2 == 0 ? "crag" : "refrag";
                    long rag = context(base, q.text(), strategy, k, budget);
                    touched.addAll(chunks);
                    done.add(q.text());
                    asked++;
                    if (inLife++ >= warmup) {
                        reported++;
                        times.computeIfAbsent("search", x -> new ArrayList<>()).add(searchNanos);
                        times.computeIfAbsent(strategy, x -> new ArrayList<>()).add(rag);
                    }
                }
            }
            MarkdownTable table = new MarkdownTable("endpoint", ">requests", ">p50 ms", ">p99 ms", ">max ms",
                    ">p50 / search p50", ">p99 / search p99");
            double searchP50 = RagEvaluation.percentile(times.get("search"), 50);
            double searchP99 = RagEvaluation.percentile(times.get("search"), 99);
            for (String name : List.of("search", "crag", "refrag")) {
                List<Long> t = times.getOrDefault(name, List.of());
                if (t.isEmpty()) {
                    continue;
                }
                double p50 = RagEvaluation.percentile(t, 50);
                double p99 = RagEvaluation.percentile(t, 99);
                table.row(name.equals("search") ? "/v1/search (hybrid)" : "/v1/rag/context " + name, t.size(),
                        String.format(Locale.ROOT, "%.1f", p50), String.format(Locale.ROOT, "%.1f", p99),
                        String.format(Locale.ROOT, "%.1f", t.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6),
                        String.format(Locale.ROOT, "%.2f×", p50 / searchP50), String.format(Locale.ROOT, "%.2f×", p99 / searchP99));
            }
            System.out.printf("%n### /v1/rag/context on a freshly started service, untouched candidates, span vectors %s:"
                    + " %d questions asked over %d restarts (%d reported: the first %d of each life warm its JVM;"
                    + " %d searches skipped: a candidate already touched), k = %d, budget %d%n%n",
                    spans, asked, restarts, reported, warmup, skipped, k, budget);
            System.out.print(table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            service.close();
        }
    }

    private static HttpResponse<String> post(String url, Map<String, Object> body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r;
    }

    private static void ingest(String base, List<Document> documents) throws IOException, InterruptedException {
        StringBuilder ndjson = new StringBuilder();
        for (Document d : documents) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("id", d.id());
            if (d.title() != null) line.put("title", d.title());
            line.put("text", d.text());
            ndjson.append(JSON.writeValueAsString(line)).append('\n');
        }
        HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/documents/bulk"))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(ndjson.toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (accepted.statusCode() != 202) {
            throw new IllegalStateException("bulk ingest refused: " + accepted.statusCode() + " " + accepted.body());
        }
        String job = JSON.readTree(accepted.body()).path("id").asString();
        Progress progress = new Progress("ingested", documents.size());
        long reported = 0;
        while (true) {
            JsonNode status = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/jobs/" + job)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            long done = status.path("done").asLong() + status.path("failed").asLong();
            if (done > reported) {
                progress.advance(done - reported);
                reported = done;
            }
            String state = status.path("state").asString();
            if (!state.equals("queued") && !state.equals("running")) {
                if (status.path("failed").asLong() > 0 || !state.equals("done")) {
                    throw new IllegalStateException("bulk ingest ended " + state + ": " + status);
                }
                return;
            }
            Thread.sleep(250);
        }
    }

    private static long search(String base, String query, int k) throws IOException, InterruptedException {
        return timedPost(base + "/v1/search", Map.of("query", query, "k", k, "mode", "hybrid"));
    }

    private static long context(String base, String query, String strategy, int k, int budget)
            throws IOException, InterruptedException {
        return timedPost(base + "/v1/rag/context",
                Map.of("query", query, "strategy", strategy, "k", k, "budget_tokens", budget));
    }

    private static long timedPost(String url, Map<String, Object> body) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        post(url, body);
        return System.nanoTime() - t0;
    }

    private static void report(Map<String, List<Long>> times, List<String> strategies, int n, int k, int budget) {
        MarkdownTable table = new MarkdownTable("endpoint", "request", ">p50 ms", ">p99 ms", ">mean ms",
                ">p50 / search p50");
        for (String pass : List.of("first", "repeat")) {
            double searchP50 = RagEvaluation.percentile(times.get("search|" + pass), 50);
            List<String> rows = new ArrayList<>();
            rows.add("search");
            rows.addAll(strategies);
            for (String s : rows) {
                List<Long> t = times.get(s + "|" + pass);
                double p50 = RagEvaluation.percentile(t, 50);
                table.row(s.equals("search") ? "/v1/search (hybrid)" : "/v1/rag/context " + s, pass,
                        String.format(Locale.ROOT, "%.1f", p50),
                        String.format(Locale.ROOT, "%.1f", RagEvaluation.percentile(t, 99)),
                        String.format(Locale.ROOT, "%.1f", t.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6),
                        String.format(Locale.ROOT, "%.2f×", p50 / searchP50));
            }
        }
        System.out.printf("%n### /v1/rag/context latency over HTTP: %d questions, k = %d, budget %d tokens (o200k_base)%n%n",
                n, k, budget);
        System.out.print(table);
    }
}
