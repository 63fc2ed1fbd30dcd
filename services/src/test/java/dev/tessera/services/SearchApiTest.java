package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SearchApiTest {

    static TesseraServer server;

    @BeforeAll
    static void corpus() {
        server = TesseraServer.shared();
        server.index("s-heat", "Heat transfer", "Heat transfer to a blunt body in hypersonic flow is dominated by the stagnation point.",
                Map.of("topic", "heat", "year", 1958));
        server.index("s-flutter", "Panel flutter", "Thin panels exposed to supersonic flow can flutter when the dynamic pressure is high.",
                Map.of("topic", "aeroelastic", "year", 1960));
        server.index("s-buckling", "Cylinder buckling", "Axially compressed thin cylindrical shells buckle at loads far below classical theory.",
                Map.of("topic", "structures", "year", 1960));
    }

    static JsonNode search(Map<String, Object> body) {
        TesseraServer.Reply r = server.postJson("/v1/search", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void everyModeRanksTheRightDocumentFirst() {
        for (String mode : List.of("bm25", "vector", "hybrid")) {
            JsonNode result = search(Map.of("query", "why do thin panels flutter in supersonic flow", "mode", mode, "k", 3));
            assertThat(result.get("hits").get(0).get("doc_id").asString()).as(mode).isEqualTo("s-flutter");
            assertThat(result.get("took_ms").asLong()).isNotNegative();
            assertThat(result.get("mode").asString()).isEqualTo(mode);
        }
        // A paraphrase with no shared terms is still found by the dense side.
        JsonNode dense = search(Map.of("query", "shell collapse under compression", "mode", "vector", "k", 1));
        assertThat(dense.get("hits").get(0).get("doc_id").asString()).isEqualTo("s-buckling");
    }

    @Test
    void hitsCarryTextOffsetsAndHighlights() {
        JsonNode hit = search(Map.of("query", "stagnation point heat", "mode", "bm25", "k", 1)).get("hits").get(0);
        assertThat(hit.get("chunk_id").asString()).isEqualTo("s-heat#0");
        assertThat(hit.get("title").asString()).isEqualTo("Heat transfer");
        assertThat(hit.get("text").asString()).contains("stagnation point");
        assertThat(hit.get("highlights").get(0).asString()).contains("<em>stagnation</em>");
    }

    @Test
    void filtersMatchMetadataExactly() {
        JsonNode hits = search(Map.of("query", "thin flow", "mode", "hybrid", "k", 10, "filter", Map.of("year", 1960)))
                .get("hits");
        assertThat(hits).extracting(h -> h.get("doc_id").asString()).containsOnly("s-flutter", "s-buckling");
        JsonNode one = search(Map.of("query", "thin", "mode", "vector", "k", 10,
                "filter", Map.of("year", 1960, "topic", List.of("structures", "none")))).get("hits");
        assertThat(one).extracting(h -> h.get("doc_id").asString()).containsExactly("s-buckling");
    }

    @Test
    void hybridHitsCarryTheirComponentScoresAndAFusedScoreThatKeepsTheEvidence() {
        String query = "why do thin panels flutter in supersonic flow";
        JsonNode hybrid = search(Map.of("query", query, "k", 5)).get("hits");
        JsonNode bm25 = search(Map.of("query", query, "mode", "bm25", "k", 50)).get("hits");
        JsonNode vector = search(Map.of("query", query, "mode", "vector", "k", 50)).get("hits");
        JsonNode top = hybrid.get(0);
        assertThat(top.get("scores").get("bm25").floatValue()).isEqualTo(scoreOf(bm25, top)).isPositive();
        // Lucene scores a vector either on its graph or by exact search, by segment sizes (which background
        // merges change); the two paths may round the same cosine differently in the last bit.
        assertThat(top.get("scores").get("vector").floatValue()).isCloseTo(scoreOf(vector, top),
                org.assertj.core.data.Offset.offset(1e-6f)).isPositive();
        assertThat(top.get("score").floatValue()).isPositive().isLessThan(1f);
        // Single-mode hits have one score, no components.
        assertThat(bm25.get(0).has("scores")).isFalse();
        // min_score on hybrid reads the fused score.
        float floor = top.get("score").floatValue();
        assertThat(search(Map.of("query", query, "k", 5, "min_score", floor)).get("hits"))
                .allSatisfy(h -> assertThat(h.get("score").floatValue()).isGreaterThanOrEqualTo(floor));
    }

    private static float scoreOf(JsonNode hits, JsonNode hit) {
        for (JsonNode h : hits) {
            if (h.get("chunk_id").asString().equals(hit.get("chunk_id").asString())) {
                return h.get("score").floatValue();
            }
        }
        throw new AssertionError(hit.get("chunk_id") + " not in " + hits);
    }

    @Test
    void fusionCanBeChosenPerRequest() {
        for (String fusion : List.of("rrf", "convex", "adaptive")) {
            JsonNode hits = search(Map.of("query", "panel flutter", "fusion", fusion, "k", 2)).get("hits");
            assertThat(hits.get(0).get("doc_id").asString()).isEqualTo("s-flutter");
        }
    }
}
