package dev.tessera.retrieval.context.crag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextAssembler;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextSegment;
import dev.tessera.retrieval.context.ContextTokenizer;
import dev.tessera.retrieval.context.EmbeddingCache;
import dev.tessera.retrieval.context.HashedWordsEmbedder;
import dev.tessera.retrieval.context.Hits;
import dev.tessera.retrieval.index.ChunkHit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Abstractive CRAG against a local stand-in for an OpenAI-compatible chat server. */
class AbstractiveCragAssemblerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<ChunkHit> HITS = Hits.of(
            "Jet engines compress air. The turbine drives the compressor. Jet fuel burns hot in the combustor.",
            "Owls hunt at night. Owls have silent feathers that muffle their flight.",
            "Jet engines need fuel and air to run. Afterburners add thrust by burning more fuel.",
            "Owls eat mice and voles. Barn owls find prey by sound alone.");

    private final ContextTokenizer o200k = ContextTokenizer.openAi("o200k_base");
    private final ContextAssembler crag = new CragAssembler(new EmbeddingCache(new HashedWordsEmbedder(64), 1000));
    private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
        handlers.shutdownNow();
    }

    /** Serves {@code /v1/chat/completions}, answering each request with {@code reply}'s status and content. */
    private OpenAiChatSummarizer chat(Function<JsonNode, Map.Entry<Integer, String>> reply, Duration timeout)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.createContext("/v1/chat/completions", exchange -> {
            try (exchange) {
                JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
                received.add(request);
                authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
                Map.Entry<Integer, String> answer = reply.apply(request);
                send(exchange, answer.getKey(), answer.getKey() == 200 ? completion(answer.getValue()) : answer.getValue());
            }
        });
        server.start();
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
        return new OpenAiChatSummarizer(new OpenAiChatSummarizer.Settings(endpoint, "tiny-chat", "test-key", timeout, 256));
    }

    private static String completion(String content) {
        return JSON.writeValueAsString(Map.of("id", "chatcmpl-1", "object", "chat.completion", "model", "tiny-chat",
                "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                        "message", Map.of("role", "assistant", "content", content)))));
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String extractOf(JsonNode request) {
        String user = request.get("messages").get(1).get("content").asString();
        return user.substring(user.indexOf("Extract:\n") + 9, user.indexOf("\n\nWrite at most"));
    }

    @Test
    void theContextIsTheReturnedSummariesInClusterOrderWithinTheBudget() throws IOException {
        OpenAiChatSummarizer summarizer = chat(r -> Map.entry(200, "In short: " + extractOf(r).split("\\. ")[0] + "."),
                Duration.ofSeconds(10));
        ContextRequest request = new ContextRequest("how do jet engines burn fuel", 240, 20, o200k);

        AssembledContext extractive = crag.assemble(request, HITS);
        AssembledContext result = new AbstractiveCragAssembler(crag, summarizer).assemble(request, HITS);

        // One OpenAI chat request per cluster, each carrying that cluster's extract.
        Map<Integer, String> extracts = new LinkedHashMap<>();
        for (ContextSegment s : extractive.segments()) {
            extracts.merge(s.clusterId(), s.text(), (a, b) -> a + " " + b);
        }
        assertThat(extracts).hasSizeGreaterThan(1);
        assertThat(received).hasSize(extracts.size()).allSatisfy(r -> {
            assertThat(r.get("model").asString()).isEqualTo("tiny-chat");
            assertThat(r.get("messages").get(0).get("role").asString()).isEqualTo("system");
            assertThat(r.get("messages").get(1).get("role").asString()).isEqualTo("user");
            assertThat(r.get("messages").get(1).get("content").asString()).contains("how do jet engines burn fuel");
            assertThat(r.get("max_tokens").asInt()).isBetween(1, 256);
        });
        assertThat(received.stream().map(AbstractiveCragAssemblerTest::extractOf)).containsExactlyInAnyOrderElementsOf(
                extracts.values());
        assertThat(authorizations).containsOnly("Bearer test-key");

        List<String> expected = extracts.values().stream().map(e -> "In short: " + e.split("\\. ")[0] + ".").toList();
        assertThat(result.summaries()).extracting(ClusterSummary::clusterId).containsExactlyElementsOf(extracts.keySet());
        assertThat(result.summaries()).extracting(ClusterSummary::text).containsExactlyElementsOf(expected);
        assertThat(result.context()).isEqualTo(String.join(ContextAssembler.SEPARATOR, expected));
        assertThat(result.tokensUsed()).isEqualTo(o200k.count(result.context())).isLessThanOrEqualTo(220);
        assertThat(result.segments()).isEqualTo(extractive.segments());
        assertThat(result.strategy()).isEqualTo("crag");
    }

    @Test
    void aSummaryLongerThanTheBudgetIsCutToFit() throws IOException {
        String rambling = "Jet engines are remarkable machines that compress air and burn fuel. ".repeat(60);
        OpenAiChatSummarizer summarizer = chat(r -> Map.entry(200, rambling), Duration.ofSeconds(10));
        AbstractiveCragAssembler abstractive = new AbstractiveCragAssembler(crag, summarizer);
        for (ContextTokenizer tokenizer : List.of(o200k, ContextTokenizer.openAi("cl100k_base"))) {
            for (int budget : new int[] {1, 7, 40, 130, 500}) {
                ContextRequest request = new ContextRequest("jet engine fuel", budget, 0, tokenizer);
                AssembledContext result = abstractive.assemble(request, HITS);
                assertThat(result.tokensUsed()).as("%s budget %d", tokenizer.name(), budget)
                        .isEqualTo(tokenizer.count(result.context())).isLessThanOrEqualTo(budget);
                if (budget >= 40) {
                    assertThat(result.tokensUsed()).isGreaterThan(budget * 3 / 4); // cut at the limit, not far short
                    assertThat(rambling).startsWith(result.summaries().getFirst().text());
                }
            }
        }
    }

    @Test
    void anErrorAnswerFailsTheAssembly() throws IOException {
        OpenAiChatSummarizer summarizer = chat(r -> Map.entry(500, "{\"error\":\"model not loaded\"}"), Duration.ofSeconds(10));
        assertThatThrownBy(() -> new AbstractiveCragAssembler(crag, summarizer)
                .assemble(new ContextRequest("owls", 200, 0, o200k), HITS))
                .isInstanceOf(SummarizerException.class)
                .hasMessageContaining("answered 500").hasMessageContaining("model not loaded");
    }

    @Test
    void oneFailedClusterFailsTheAssemblyWithoutWaitingForTheOthers() throws IOException {
        OpenAiChatSummarizer summarizer = chat(r -> {
            if (extractOf(r).contains("Owls")) {
                try {
                    Thread.sleep(8_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Map.entry(200, "late");
            }
            return Map.entry(500, "{\"error\":\"boom\"}");
        }, Duration.ofSeconds(20));
        ContextRequest request = new ContextRequest("jet engines and owls", 240, 20, o200k);
        long started = System.nanoTime();
        assertThatThrownBy(() -> new AbstractiveCragAssembler(crag, summarizer).assemble(request, HITS))
                .isInstanceOf(SummarizerException.class).hasMessageContaining("boom");
        assertThat(received).hasSizeGreaterThan(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void aSlowEndpointTimesOut() throws IOException {
        OpenAiChatSummarizer summarizer = chat(r -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.entry(200, "too late");
        }, Duration.ofMillis(300));
        assertThatThrownBy(() -> summarizer.summarize("owls", "Owls hunt at night.", 20))
                .isInstanceOf(SummarizerException.class)
                .hasMessageContaining("did not answer within 300 ms");
    }

    @Test
    void anAnswerWithoutContentIsAnError() throws IOException {
        OpenAiChatSummarizer summarizer = chat(r -> Map.entry(200, "  "), Duration.ofSeconds(10));
        assertThatThrownBy(() -> summarizer.summarize("owls", "Owls hunt at night.", 20))
                .isInstanceOf(SummarizerException.class)
                .hasMessageContaining("no message content");
    }
}
