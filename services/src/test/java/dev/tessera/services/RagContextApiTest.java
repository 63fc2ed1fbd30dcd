package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.context.HuggingFaceContextTokenizer;
import dev.tessera.tokenizers.text.TextTokenCounter;
import dev.tessera.tokenizers.weights.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RagContextApiTest {

    static TesseraServer server;

    @BeforeAll
    static void corpus() {
        server = TesseraServer.shared();
        server.index("rag-1", "Shock waves", "A normal shock wave slows supersonic flow to subsonic speed. "
                + "The pressure rises sharply across the shock. Entropy increases across every shock wave.",
                Map.of("set", "rag"));
        server.index("rag-2", "Boundary layers", "The boundary layer thickens downstream along a flat plate. "
                + "Transition to turbulence happens near a Reynolds number of five hundred thousand.",
                Map.of("set", "rag"));
        server.index("rag-3", "Heat shields", "Ablative heat shields protect capsules during re-entry. "
                + "The char layer insulates the structure beneath it.", Map.of("set", "rag"));
    }

    static JsonNode context(Map<String, Object> body) {
        TesseraServer.Reply r = server.postJson("/v1/rag/context", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void everyStrategyStaysWithinTheBudgetInTheNamedTokenizer() {
        for (String strategy : List.of("topk", "crag", "refrag")) {
            for (String tokenizer : List.of("o200k_base", "cl100k_base")) {
                JsonNode r = context(Map.of("query", "what happens to pressure across a shock wave", "budget_tokens", 48,
                        "reserve_tokens", 8, "strategy", strategy, "tokenizer", tokenizer, "filter", Map.of("set", "rag")));
                int used = TextTokenCounter.forEncoding(tokenizer).count(r.get("context").asString());
                assertThat(r.get("tokens_used").asInt()).as(strategy + "/" + tokenizer).isEqualTo(used)
                        .isLessThanOrEqualTo(40).isPositive();
                assertThat(r.get("tokens_baseline").asInt()).isGreaterThanOrEqualTo(used);
                assertThat(r.get("strategy").asString()).isEqualTo(strategy);
                assertThat(r.get("segments")).isNotEmpty();
            }
        }
    }

    /** The prometheus counter of context-unit vectors from one source. */
    static double unitVectors(String source) {
        return MetricsAndHealthTest.count(server.get("/actuator/prometheus").body(), "tessera_rag_unit_vectors_total",
                Map.of("source", source));
    }

    /** Embedding model runs so far, all models. */
    static double forwardPasses() {
        return MetricsAndHealthTest.count(server.get("/actuator/prometheus").body(),
                "tessera_embedding_forward_seconds_count", Map.of());
    }

    @Test
    void cragAndRefragReadWhatIngestStoredAndEmbedOnlyTheQuestion() {
        server.index("rag-stored", "Nozzles", "A converging-diverging nozzle accelerates gas past the speed of sound. "
                + "The throat chokes first; downstream the flow expands and cools.", Map.of("set", "stored"));
        for (String strategy : List.of("crag", "refrag")) {
            double embedded = unitVectors("embedded"), stored = unitVectors("stored"), passes = forwardPasses();
            JsonNode r = context(Map.of("query", "where does a nozzle choke (" + strategy + ")", "budget_tokens", 64,
                    "strategy", strategy, "filter", Map.of("set", "stored")));
            assertThat(r.get("context").asString()).contains("throat");
            assertThat(unitVectors("embedded") - embedded).as(strategy + ": only the question").isEqualTo(1);
            // The search under the request uses the assemblers' vector of the question: one model run, not two.
            assertThat(forwardPasses() - passes).as(strategy + ": forward passes").isEqualTo(1);
            assertThat(unitVectors("stored") - stored).as(strategy + ": the chunk's spans").isGreaterThanOrEqualTo(4);
        }
        // Another chunk size was not precomputed: those chunks are embedded on the request, as before.
        double embedded = unitVectors("embedded");
        context(Map.of("query", "nozzle throat", "budget_tokens", 64, "strategy", "refrag", "chunk_tokens", 5,
                "filter", Map.of("set", "stored")));
        assertThat(unitVectors("embedded") - embedded).isGreaterThan(1);
    }

    @Test
    void refragReturnsOneEmbeddingPerCompressedSegment() {
        JsonNode r = context(Map.of("query", "pressure rise across a shock", "budget_tokens", 40, "strategy", "refrag",
                "return_embeddings", true, "chunk_tokens", 8, "filter", Map.of("set", "rag")));
        int compressed = 0;
        for (JsonNode s : r.get("segments")) {
            if (!s.get("expanded").asBoolean()) {
                compressed++;
                assertThat(s.get("embedding")).hasSize(384);
                assertThat(s.get("token_end").asInt() - s.get("token_start").asInt()).isBetween(1, 8);
            } else {
                assertThat(s.has("embedding")).isFalse();
            }
        }
        assertThat(compressed).isPositive();
        assertThat(r.get("context").asString()).contains("pressure");
    }

    @Test
    void anInstalledTokenizerJsonCountsTheBudget() {
        Path file = server.dataDir().resolve("models").resolve(TesseraServer.TARGET_LLM).resolve("tokenizer.json");
        try (HuggingFaceContextTokenizer reference = HuggingFaceContextTokenizer.load("reference", file)) {
            for (String strategy : List.of("topk", "crag", "refrag")) {
                JsonNode r = context(Map.of("query", "what happens to pressure across a shock wave", "budget_tokens", 48,
                        "reserve_tokens", 8, "strategy", strategy, "tokenizer", "Tiny-LLM", "filter", Map.of("set", "rag")));
                assertThat(r.get("tokenizer").asString()).isEqualTo(TesseraServer.TARGET_LLM);
                assertThat(r.get("tokens_used").asInt()).as(strategy)
                        .isEqualTo(reference.count(r.get("context").asString()))
                        .isLessThanOrEqualTo(40).isPositive();
            }
        }
    }

    @Test
    void refragProjectsCompressedChunksIntoTheTargetModelsEmbeddingSpace() throws Exception {
        JsonNode r = context(Map.of("query", "pressure rise across a shock", "budget_tokens", 40, "strategy", "refrag",
                "return_embeddings", true, "chunk_tokens", 8, "target_model", TesseraServer.TARGET_LLM,
                "filter", Map.of("set", "rag")));
        assertThat(r.get("target_model").asString()).isEqualTo(TesseraServer.TARGET_LLM);
        List<JsonNode> compressed = new ArrayList<>();
        for (JsonNode s : r.get("segments")) {
            if (s.get("expanded").asBoolean()) {
                assertThat(s.has("projected")).isFalse();
            } else {
                assertThat(s.get("embedding")).hasSize(384);
                assertThat(s.get("projected")).hasSize(TesseraServer.TARGET_LLM_DIMENSION);
                compressed.add(s);
            }
        }
        assertThat(compressed).isNotEmpty();

        Path file = server.dataDir().resolve("models").resolve(TesseraServer.TARGET_LLM).resolve("projection.safetensors");
        float[] w;
        try (SafetensorsFile weights = SafetensorsFile.open(file)) {
            w = weights.floats("weight");
        }
        JsonNode segment = compressed.getLast();
        int d = TesseraServer.TARGET_LLM_DIMENSION;
        for (int j = 0; j < d; j++) {
            double expected = 0;
            for (int i = 0; i < 384; i++) {
                expected += segment.get("embedding").get(i).floatValue() * (double) w[i * d + j];
            }
            assertThat(segment.get("projected").get(j).doubleValue()).as("projected[%d]", j)
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void modelsListShowsContextTokenizersAndProjections() {
        Map<String, JsonNode> byKindAndName = new java.util.HashMap<>();
        server.get("/v1/models").json().get("models")
                .forEach(m -> byKindAndName.put(m.get("kind").asString() + "/" + m.get("name").asString(), m));
        assertThat(byKindAndName).containsKeys("context-tokenizer/o200k_base", "context-tokenizer/cl100k_base",
                "context-tokenizer/" + TesseraServer.TARGET_LLM);
        JsonNode projection = byKindAndName.get("projection/" + TesseraServer.TARGET_LLM);
        assertThat(projection.get("status").asString()).isEqualTo("available");
        assertThat(projection.get("dimension").asInt()).isEqualTo(TesseraServer.TARGET_LLM_DIMENSION);
        JsonNode mismatched = byKindAndName.get("projection/" + TesseraServer.MISMATCHED_LLM);
        assertThat(mismatched.get("status").asString()).isEqualTo("unavailable");
        assertThat(mismatched.get("problem").asString()).contains("256", "384");
    }

    @Test
    void noCandidatesGiveAnEmptyContext() {
        JsonNode r = context(Map.of("query", "anything", "budget_tokens", 100, "filter", Map.of("set", "nothing-here")));
        assertThat(r.get("context").asString()).isEmpty();
        assertThat(r.get("tokens_used").asInt()).isZero();
    }

    @Test
    void badRequestsAreProblems() {
        BadInputTest.assertProblem(server.postJson("/v1/rag/context", Map.of("query", "q", "budget_tokens", 0)), 400,
                "budget_tokens");
        BadInputTest.assertProblem(server.postJson("/v1/rag/context",
                Map.of("query", "q", "budget_tokens", 10, "reserve_tokens", 10)), 400, "reserve_tokens");
        BadInputTest.assertProblem(server.postJson("/v1/rag/context",
                Map.of("query", "q", "budget_tokens", 10, "tokenizer", "gpt-9")), 400, "tokenizer");
        BadInputTest.assertProblem(server.postJson("/v1/rag/context",
                Map.of("query", "q", "budget_tokens", 10, "strategy", "magic")), 400, "strategy");
        BadInputTest.assertProblem(server.postJson("/v1/rag/context", Map.of("query", " ", "budget_tokens", 10)), 400,
                "query");
        BadInputTest.assertProblem(server.postJson("/v1/rag/context", Map.of("query", "q")), 400, "budget_tokens");
    }

    @Test
    void unknownTokenizersProjectionsAndAbstractiveWhileOffAreProblems() {
        TesseraServer.Reply tokenizer = server.postJson("/v1/rag/context",
                Map.of("query", "q", "budget_tokens", 10, "tokenizer", "gpt-9"));
        BadInputTest.assertProblem(tokenizer, 400, "tokenizer");
        assertThat(tokenizer.json().get("detail").asString()).contains("o200k_base", TesseraServer.TARGET_LLM);
        BadInputTest.assertProblem(server.postJson("/v1/rag/context", Map.of("query", "q", "budget_tokens", 10,
                "strategy", "refrag", "return_embeddings", true, "target_model", "gpt-9")), 400, "target_model");
        TesseraServer.Reply mismatched = server.postJson("/v1/rag/context", Map.of("query", "q", "budget_tokens", 10,
                "strategy", "refrag", "return_embeddings", true, "target_model", TesseraServer.MISMATCHED_LLM));
        BadInputTest.assertProblem(mismatched, 400, "target_model");
        assertThat(mismatched.json().get("detail").asString()).contains("256", "384");
        BadInputTest.assertProblem(server.postJson("/v1/rag/context", Map.of("query", "q", "budget_tokens", 10,
                "strategy", "crag", "abstractive", true)), 400, "abstractive");
        BadInputTest.assertProblem(server.postJson("/v1/rag/context", Map.of("query", "q", "budget_tokens", 10,
                "strategy", "topk", "abstractive", true)), 400, "abstractive");
    }
}
