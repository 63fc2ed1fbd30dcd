package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class EmbeddingsApiTest {

    static TesseraServer server;

    @BeforeAll
    static void start() {
        server = TesseraServer.shared();
    }

    static float[] vector(JsonNode embedding) {
        float[] v = new float[embedding.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) embedding.get(i).asDouble();
        }
        return v;
    }

    static double cosine(float[] a, float[] b) {
        double d = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return d / Math.sqrt(na * nb);
    }

    @Test
    void answersInTheOpenAiShape() {
        JsonNode r = server.postJson("/v1/embeddings", Map.of("input", List.of("first", "second text"))).json();
        assertThat(r.get("object").asString()).isEqualTo("list");
        assertThat(r.get("model").asString()).isEqualTo("bge-small-en-v1.5");
        assertThat(r.get("data")).hasSize(2);
        assertThat(r.get("data").get(1).get("index").asInt()).isEqualTo(1);
        assertThat(r.get("data").get(1).get("object").asString()).isEqualTo("embedding");
        float[] v = vector(r.get("data").get(0).get("embedding"));
        assertThat(v).hasSize(384);
        assertThat(Math.sqrt(cosine(v, v) * 1.0)).isCloseTo(1.0, within(1e-6));
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-4));
        assertThat(r.get("usage").get("prompt_tokens").asInt()).isEqualTo(r.get("usage").get("total_tokens").asInt())
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void miniLmByNameMatchesPublishedSimilarity() {
        JsonNode data = server.postJson("/v1/embeddings", Map.of("model", "sentence-transformers/all-MiniLM-L6-v2",
                "input", List.of("The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.")))
                .json().get("data");
        float[] a = vector(data.get(0).get("embedding"));
        assertThat(cosine(a, vector(data.get(1).get("embedding")))).isCloseTo(0.6660, within(0.002));
        assertThat(cosine(a, vector(data.get(2).get("embedding")))).isCloseTo(0.1046, within(0.002));
    }

    @Test
    void base64EncodingCarriesTheSameFloats() {
        JsonNode plain = server.postJson("/v1/embeddings", Map.of("input", "lift")).json();
        JsonNode encoded = server.postJson("/v1/embeddings", Map.of("input", "lift", "encoding_format", "base64")).json();
        byte[] bytes = Base64.getDecoder().decode(encoded.get("data").get(0).get("embedding").asString());
        float[] decoded = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(decoded);
        assertThat(decoded).containsExactly(vector(plain.get("data").get(0).get("embedding")), within(0f));
    }

    @Test
    void queryInputTypeUsesTheQueryInstruction() {
        JsonNode doc = server.postJson("/v1/embeddings", Map.of("input", "wing flutter")).json();
        JsonNode query = server.postJson("/v1/embeddings", Map.of("input", "wing flutter", "input_type", "query")).json();
        assertThat(cosine(vector(doc.get("data").get(0).get("embedding")), vector(query.get("data").get(0).get("embedding"))))
                .isLessThan(0.99);
    }
}
