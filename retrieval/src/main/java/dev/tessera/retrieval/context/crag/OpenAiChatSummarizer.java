package dev.tessera.retrieval.context.crag;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link ClusterSummarizer} on any OpenAI-compatible chat endpoint (OpenAI, vLLM, llama.cpp,
 * Ollama, ...): {@code POST {endpoint}/chat/completions} with temperature 0, so the same extract
 * gives the same summary where the server is deterministic.
 */
public final class OpenAiChatSummarizer implements ClusterSummarizer, AutoCloseable {

    /**
     * @param endpoint the API base, e.g. {@code http://localhost:8000/v1}
     * @param apiKey sent as a bearer token when not blank
     * @param timeout for connecting and for the whole answer
     * @param maxTokensPerSummary upper bound on {@code max_tokens}, whatever the cluster's share
     */
    public record Settings(URI endpoint, String model, String apiKey, Duration timeout, int maxTokensPerSummary) {
        public Settings {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("the chat model to summarize with is not set");
            }
            if (maxTokensPerSummary < 1) {
                throw new IllegalArgumentException("maxTokensPerSummary must be positive, was " + maxTokensPerSummary);
            }
        }
    }

    static final String INSTRUCTIONS = "You condense retrieved passages for a question-answering model. Rewrite the "
            + "extract as one short, self-contained paragraph that keeps every fact relevant to the question, with "
            + "names, numbers and dates exactly as written, and adds nothing that is not in the extract. Reply with "
            + "the paragraph only.";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Settings settings;
    private final URI completions;
    private final HttpClient http;

    public OpenAiChatSummarizer(Settings settings) {
        this.settings = settings;
        String base = settings.endpoint().toString();
        this.completions = URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    public URI completionsUri() {
        return completions;
    }

    @Override
    public String summarize(String query, String extract, int maxTokens) {
        int limit = Math.max(1, Math.min(maxTokens, settings.maxTokensPerSummary()));
        String prompt = "Question: " + query + "\n\nExtract:\n" + extract + "\n\nWrite at most " + limit
                + " tokens (about " + Math.max(1, limit * 3 / 4) + " words).";
        Map<String, Object> body = Map.of(
                "model", settings.model(),
                "messages", List.of(
                        Map.of("role", "system", "content", INSTRUCTIONS),
                        Map.of("role", "user", "content", prompt)),
                "max_tokens", limit,
                "temperature", 0);
        HttpRequest.Builder request = HttpRequest.newBuilder(completions)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
            request.header("Authorization", "Bearer " + settings.apiKey());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new SummarizerException("chat endpoint " + completions + " did not answer within "
                    + settings.timeout().toMillis() + " ms", e);
        } catch (IOException e) {
            throw new SummarizerException("cannot reach chat endpoint " + completions + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SummarizerException("interrupted while waiting for " + completions, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new SummarizerException("chat endpoint " + completions + " answered " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        try {
            JsonNode content = JSON.readTree(response.body()).path("choices").path(0).path("message").path("content");
            if (!content.isString() || content.asString().isBlank()) {
                throw new SummarizerException("chat endpoint " + completions + " answered no message content: "
                        + abbreviate(response.body()));
            }
            return content.asString().strip();
        } catch (JacksonException e) {
            throw new SummarizerException("chat endpoint " + completions + " answered something that is not JSON: "
                    + abbreviate(response.body()), e);
        }
    }

    private static String abbreviate(String body) {
        return body.length() <= 200 ? body : body.substring(0, 200) + "…";
    }

    @Override
    public void close() {
        http.close();
    }
}
