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

    static float[] base64Vector(JsonNode embedding) {
        byte[] bytes = Base64.getDecoder().decode(embedding.asString());
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    /**
     * Bodies exactly as the official SDKs write them: openai-python and openai-node ask for base64
     * unless told otherwise, may add dimensions and user; LangChain's Python OpenAIEmbeddings sends
     * cl100k_base token ids in batches. tiktoken: cl100k_base.encode("hello world") == [15339, 1917];
     * the second sentence's ids come from jtokkit, its Java port.
     */
    @Test
    void acceptsWhatTheOpenAiClientsSend() {
        float[] hello = vector(server.postJson("/v1/embeddings", Map.of("input", "hello world")).json()
                .get("data").get(0).get("embedding"));
        float[] wing = vector(server.postJson("/v1/embeddings", Map.of("input", "wing flutter")).json()
                .get("data").get(0).get("embedding"));

        JsonNode python = server.postJson("/v1/embeddings",
                "{\"input\":[\"hello world\"],\"model\":\"bge-small-en-v1.5\",\"encoding_format\":\"base64\"}").json();
        assertThat(base64Vector(python.get("data").get(0).get("embedding"))).containsExactly(hello, within(0f));

        JsonNode ids = server.postJson("/v1/embeddings", "{\"input\":[15339,1917],\"model\":\"bge-small-en-v1.5\"}").json();
        assertThat(ids.get("data")).hasSize(1);
        assertThat(cosine(vector(ids.get("data").get(0).get("embedding")), hello)).isGreaterThanOrEqualTo(0.9999);

        String wingIds = com.knuddels.jtokkit.Encodings.newDefaultEncodingRegistry()
                .getEncoding(com.knuddels.jtokkit.api.EncodingType.CL100K_BASE).encode("wing flutter").boxed().toString()
                .replace(" ", "");
        JsonNode batch = server.postJson("/v1/embeddings", "{\"input\":[[15339,1917]," + wingIds + "],"
                + "\"model\":\"bge-small-en-v1.5\",\"encoding_format\":\"base64\"}").json();
        assertThat(batch.get("data")).hasSize(2);
        assertThat(cosine(base64Vector(batch.get("data").get(0).get("embedding")), hello)).isGreaterThanOrEqualTo(0.9999);
        assertThat(cosine(base64Vector(batch.get("data").get(1).get("embedding")), wing)).isGreaterThanOrEqualTo(0.9999);

        JsonNode node = server.postJson("/v1/embeddings", "{\"model\":\"bge-small-en-v1.5\",\"input\":\"hello world\","
                + "\"encoding_format\":\"base64\",\"dimensions\":128,\"user\":\"user-1234\"}").json();
        assertThat(base64Vector(node.get("data").get(0).get("embedding"))).hasSize(128);
    }

    @Test
    void dimensionsKeepThePrefixRenormalised() {
        float[] full = vector(server.postJson("/v1/embeddings", Map.of("input", "hello world")).json()
                .get("data").get(0).get("embedding"));
        for (int n : new int[] {64, 128, 256, 384}) {
            float[] cut = vector(server.postJson("/v1/embeddings", Map.of("input", "hello world", "dimensions", n)).json()
                    .get("data").get(0).get("embedding"));
            assertThat(cut).hasSize(n);
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += (double) full[i] * full[i];
            }
            for (int i = 0; i < n; i++) {
                assertThat((double) cut[i]).as("dimensions %d, value %d", n, i).isCloseTo(full[i] / Math.sqrt(norm), within(1e-6));
            }
        }
    }

    @Test
    void badOpenAiParametersNameTheirField() {
        Map<String, Object> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"input\":\"x\",\"dimensions\":0}", "dimensions");
        cases.put("{\"input\":\"x\",\"dimensions\":385}", "dimensions");
        cases.put("{\"input\":[15339,99999999]}", "input");
        cases.put("{\"input\":[[15339],[1917,-4]]}", "input[1]");
        cases.put("{\"input\":[[15339],[1.5]]}", "input[1][0]");
        cases.put("{\"input\":[\"a\",7]}", "input[1]");
        cases.put("{\"input\":[[]]}", "input[0]");
        cases.put("{\"input\":\"x\",\"temperature\":1}", "temperature");
        cases.forEach((body, field) -> {
            TesseraServer.Reply r = server.postJson("/v1/embeddings", body);
            assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().get("field").asString()).as(body + " -> " + r.body()).isEqualTo(field);
        });
    }
}
