package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

/**
 * A barrage of several hundred generated bad requests against the running service: truncated
 * and corrupt PDF, HTML, PNG and JSON bodies, wrong content types and field types, huge and deeply
 * nested values, invalid UTF-8 in bodies and URLs, negative and huge numbers, unknown fields and
 * models, malformed HTTP, and concurrent deletes and replacements of one id. No answer may be a
 * 5xx; every error must be problem+json with its status, title and detail; and the documents
 * indexed before the barrage — which many of the bad requests name — are all still there and
 * found afterwards.
 */
class HostileInputTest {

    static TesseraServer server;

    /** Indexed before the barrage; each with a distinctive subject to search for afterwards. */
    static final Map<String, String> KEPT = new LinkedHashMap<>();

    static {
        String[] subjects = {
            "Flutter of a cantilevered wing panel in transonic flow",
            "Ablation of a carbon phenolic heat shield during lunar return",
            "Cavitation on the blades of a marine propeller near the free surface",
            "Icing on a helicopter rotor in supercooled cloud droplets",
            "Sonic boom propagation through a stratified atmosphere",
            "Film cooling of turbine blades with shaped holes",
            "Vortex breakdown above a slender delta wing at high incidence",
            "Boundary layer transition on a rotating disk",
            "Combustion instability in a liquid rocket thrust chamber",
            "Wake vortex decay behind a heavy transport aircraft",
            "Shock train in a scramjet isolator duct",
            "Aeroacoustic noise from a cavity in grazing flow",
        };
        for (int i = 0; i < subjects.length; i++) {
            KEPT.put("kept-" + i, subjects[i] + ". Measurements from experiment " + (100 + i) + " are reported.");
        }
    }

    @BeforeAll
    static void indexKeptDocuments() {
        server = TesseraServer.shared();
        KEPT.forEach((id, text) -> server.index(id, "Kept " + id, text, Map.of("set", "kept")));
    }

    /** REJECTED: must be a 4xx. ANSWERED: anything but a 5xx, e.g. a damaged PDF that PDFBox still reads. */
    enum Outcome { REJECTED, ANSWERED }

    record Case(String name, Supplier<Reply> request, Outcome outcome, Integer status, String field) {
        static Case rejected(String name, Supplier<Reply> request) {
            return new Case(name, request, Outcome.REJECTED, null, null);
        }

        static Case rejected(String name, int status, String field, Supplier<Reply> request) {
            return new Case(name, request, Outcome.REJECTED, status, field);
        }

        static Case answered(String name, Supplier<Reply> request) {
            return new Case(name, request, Outcome.ANSWERED, null, null);
        }
    }

    @TestFactory
    Stream<DynamicTest> barrage() throws Exception {
        List<Case> cases = new ArrayList<>();
        cases.addAll(jsonBodies());
        cases.addAll(fieldTypesAndValues());
        cases.addAll(uploads());
        cases.addAll(urlsMethodsAndRawHttp());
        cases.addAll(bulkBodies());
        assertThat(cases).as("the corpus").hasSizeGreaterThanOrEqualTo(200);
        assertThat(cases.stream().map(Case::name).distinct().count()).as("case names are unique").isEqualTo(cases.size());
        Stream<DynamicTest> singles = cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c, c.request().get())));
        Stream<DynamicTest> last = Stream.of(
                DynamicTest.dynamicTest("concurrent deletes of one id: one 204, the rest 404", HostileInputTest::concurrentDeletes),
                DynamicTest.dynamicTest("concurrent replacements of one id: all 201, one survives whole", HostileInputTest::concurrentReplacements),
                DynamicTest.dynamicTest("bulk jobs with bad lines finish, failing only those lines", HostileInputTest::bulkJobsFinish),
                DynamicTest.dynamicTest("every document indexed before the barrage is still read back and found", HostileInputTest::keptDocumentsSurvive));
        return Stream.concat(singles, last);
    }

    static void check(Case c, Reply r) {
        assertThat(r.status()).as("%s answered %d: %s", c.name(), r.status(), r.body()).isLessThan(500);
        if (r.status() >= 400) {
            assertThat(r.contentType()).as("%s: content type", c.name()).startsWith("application/problem+json");
            JsonNode problem = r.json();
            assertThat(problem.path("status").asInt()).as("%s: problem status", c.name()).isEqualTo(r.status());
            assertThat(problem.path("title").asString()).as("%s: problem title", c.name()).isNotBlank();
            assertThat(problem.path("detail").asString()).as("%s: problem detail", c.name()).isNotBlank();
            if (c.field() != null) {
                assertThat(problem.path("field").asString()).as("%s: field in %s", c.name(), r.body()).isEqualTo(c.field());
            }
        }
        if (c.outcome() == Outcome.REJECTED) {
            assertThat(r.status()).as("%s must be refused: %s", c.name(), r.body()).isBetween(400, 499);
        }
        if (c.status() != null) {
            assertThat(r.status()).as("%s: %s", c.name(), r.body()).isEqualTo(c.status());
        }
    }

    // ---- JSON bodies -------------------------------------------------------------------------

    /** A valid body per JSON endpoint; the document one would replace a kept document if it got through. */
    static Map<String, Map<String, Object>> validBodies() throws Exception {
        Map<String, Map<String, Object>> bodies = new LinkedHashMap<>();
        bodies.put("/v1/documents", map("id", "kept-0", "title", "Replaced", "text",
                "This text must never replace the kept document.", "metadata", Map.of("set", "hostile")));
        bodies.put("/v1/search", map("query", "wing flutter", "k", 5, "mode", "hybrid", "filter", Map.of("set", "kept")));
        bodies.put("/v1/embeddings", map("input", List.of("first text", "second text"), "model", "minilm"));
        bodies.put("/v1/rag/context", map("query", "heat shield ablation", "budget_tokens", 64, "strategy", "crag"));
        bodies.put("/v1/tokenize/image", map("model", "titok-tiny", "image_base64",
                Base64.getEncoder().encodeToString(ImageTokenizeApiTest.input("titok-tiny", 0))));
        bodies.put("/v1/detokenize/image", map("model", "titok-tiny", "tokens", Collections.nCopies(32, 3)));
        bodies.put("/v1/documents/count", map("filter", Map.of("set", "kept")));
        bodies.put("/v1/documents/delete", map("filter", Map.of("set", "no-such-set")));
        bodies.put("/v1/collections", map("name", "hostile-ok", "vectors", Map.of("dimension", 4, "similarity", "cosine")));
        return bodies;
    }

    static List<Case> jsonBodies() throws Exception {
        List<Case> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : validBodies().entrySet()) {
            String path = e.getKey();
            byte[] valid = TesseraServer.JSON.writeValueAsBytes(e.getValue());
            // Cut anywhere before the closing brace, a JSON object is malformed.
            for (double at : new double[] {0.0, 0.02, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9}) {
                byte[] cut = Arrays.copyOf(valid, (int) (valid.length * at) + (at == 0 ? 1 : 0));
                out.add(Case.rejected("truncated JSON at " + (int) (at * 100) + "% to " + path, 400, "body",
                        () -> post(path, "application/json", cut)));
            }
            byte[] lastByteCut = Arrays.copyOf(valid, valid.length - 1);
            out.add(Case.rejected("JSON missing its last brace to " + path, 400, "body",
                    () -> post(path, "application/json", lastByteCut)));
            for (String notAnObject : List.of("", "null", "[]", "42", "\"text\"", "true", "{}{}", "{,}", "{'a':1}")) {
                out.add(Case.rejected("body " + (notAnObject.isEmpty() ? "empty" : notAnObject) + " to " + path,
                        () -> post(path, "application/json", notAnObject.getBytes())));
            }
            Map<String, Object> unknown = new LinkedHashMap<>(e.getValue());
            unknown.put("bogus_field", 1);
            out.add(Case.rejected("unknown field to " + path, 400, "bogus_field", () -> postJson(path, unknown)));
            out.add(Case.rejected("arrays nested 5000 deep to " + path,
                    () -> post(path, "application/json", ("[".repeat(5000) + "]".repeat(5000)).getBytes())));
            out.add(Case.rejected("objects nested 3000 deep to " + path, () -> post(path, "application/json",
                    ("{\"a\":".repeat(3000) + "1" + "}".repeat(3000)).getBytes())));
            String firstField = e.getValue().keySet().iterator().next();
            byte[] badUtf8 = concat(("{\"" + firstField + "\":\"").getBytes(), new byte[] {(byte) 0xff, (byte) 0xfe, 'x',
                    (byte) 0xc3, '(', (byte) 0xed, (byte) 0xa0, (byte) 0x80}, "\"}".getBytes());
            out.add(Case.rejected("invalid UTF-8 in a JSON string to " + path, 400, "body",
                    () -> post(path, "application/json", badUtf8)));
            for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
                    "image/png", "%%%/;;;")) {
                out.add(Case.rejected("content type " + type + " to " + path, () -> post(path, type, valid)));
            }
            out.add(Case.rejected("no content type to " + path, () -> post(path, null, valid)));
            out.add(Case.rejected("multipart without boundary to " + path,
                    () -> post(path, "multipart/form-data", valid)));
            out.add(Case.rejected("JSON over the size limit to " + path, 413, null, () -> post(path, "application/json",
                    ("{\"" + firstField + "\":\"" + "x".repeat((int) TesseraServer.MAX_BODY_BYTES) + "\"}").getBytes())));
        }
        return out;
    }

    // ---- field types and values ------------------------------------------------------------

    static final Object ARRAY = List.of(1, 2);
    static final Object OBJECT = Map.of("a", 1);

    static List<Case> fieldTypesAndValues() throws Exception {
        Map<String, Map<String, Object>> bodies = validBodies();
        List<Case> out = new ArrayList<>();
        // A JSON value of the wrong type is 400 naming the field.
        wrongTypes(out, bodies, "/v1/documents", "id", 5, true, ARRAY, OBJECT);
        wrongTypes(out, bodies, "/v1/documents", "title", 5, false, ARRAY);
        wrongTypes(out, bodies, "/v1/documents", "text", 5, true, ARRAY, OBJECT);
        wrongTypes(out, bodies, "/v1/documents", "metadata", "a string", 5, ARRAY);
        wrongTypes(out, bodies, "/v1/search", "query", 5, ARRAY, OBJECT);
        wrongTypes(out, bodies, "/v1/search", "k", "10", literal("1.5"), true, ARRAY, literal("99999999999999999999"),
                literal("2147483648"), literal("1e400"));
        wrongTypes(out, bodies, "/v1/search", "mode", 5, ARRAY);
        wrongTypes(out, bodies, "/v1/search", "filter", "x", ARRAY);
        wrongTypes(out, bodies, "/v1/search", "weight", "0.5", true);
        wrongTypes(out, bodies, "/v1/search", "highlight", "yes", 1);
        wrongTypes(out, bodies, "/v1/embeddings", "model", 5, ARRAY);
        wrongTypes(out, bodies, "/v1/embeddings", "encoding_format", 5);
        wrongTypes(out, bodies, "/v1/rag/context", "budget_tokens", "64", literal("1.5"), literal("2147483648"), true);
        wrongTypes(out, bodies, "/v1/rag/context", "reserve_tokens", "8", literal("-1e400"));
        wrongTypes(out, bodies, "/v1/rag/context", "strategy", 5, OBJECT);
        wrongTypes(out, bodies, "/v1/rag/context", "return_embeddings", "true");
        wrongTypes(out, bodies, "/v1/tokenize/image", "image_base64", 5, ARRAY);
        wrongTypes(out, bodies, "/v1/tokenize/image", "images_base64", "x", 5);
        wrongTypes(out, bodies, "/v1/detokenize/image", "model", 5);

        // Values out of range, unknown names, huge and hostile strings: refused, naming the field.
        badValues(out, bodies, "/v1/documents", "id", "x".repeat(300), "a b", "a/b", "a\u0000b", "a#b", "\t");
        badValues(out, bodies, "/v1/documents", "text", null, "", "   \n\t ");
        badValues(out, bodies, "/v1/documents", "metadata", Map.of("bad key!", 1), Map.of("k".repeat(129), 1),
                Map.of("k", Map.of("nested", 1)), Map.of("k", List.of(List.of(1))), Map.of("k", literal("1e999")));
        badValues(out, bodies, "/v1/search", "query", null, "", distinctWords(3000));
        badValues(out, bodies, "/v1/search", "k", -1, 0, 1001, Integer.MIN_VALUE, Integer.MAX_VALUE);
        badValues(out, bodies, "/v1/search", "mode", "fuzzy", "");
        badValues(out, bodies, "/v1/search", "fusion", "magic");
        badValues(out, bodies, "/v1/search", "weight", -5, 2, literal("1e308"), literal("-1e308"));
        badValues(out, bodies, "/v1/search", "filter", Map.of("bad key!", "x"), Map.of("k", Map.of("a", 1)),
                Map.of("k", literal("1e999")), manyKeys(2000));
        // The filter language: every malformed filter is 400 on every route that takes one.
        List<Object> filters = badFilters();
        for (String path : List.of("/v1/search", "/v1/documents/count", "/v1/documents/delete", "/v1/rag/context")) {
            for (int i = 0; i < filters.size(); i++) {
                Map<String, Object> body = new LinkedHashMap<>(bodies.get(path));
                body.put("filter", filters.get(i));
                out.add(Case.rejected(path + " bad filter #" + i + " " + describe(filters.get(i)), () -> postJson(path, body)));
            }
        }
        // Collections: bad names, settings and combinations.
        badValues(out, bodies, "/v1/collections", "name", null, "", "A", "-x", "_x", "a".repeat(65), "a b", "a/b",
                "caf\u00e9", "../x", List.of("a"), Map.of("a", 1));
        badValues(out, bodies, "/v1/collections", "vectors", Map.of("dimension", 0), Map.of("dimension", -1),
                Map.of("dimension", 5000), Map.of("similarity", "cosine"), Map.of("dimension", 4, "similarity", "manhattan"),
                Map.of("dimension", 4, "similarity", ""), Map.of("dimension", 4, "extra", 1), "cosine", 4);
        badValues(out, bodies, "/v1/collections", "vector_engine", "faiss", "", 5);
        badValues(out, bodies, "/v1/collections", "model", "no-such-model", "../../etc/passwd");
        // An array of numbers is token ids (OpenAI's shape) and welcome; ids that are not ids are not.
        badValues(out, bodies, "/v1/embeddings", "input", 5, true, OBJECT, "", List.of(), List.of("a", ""),
                Collections.nCopies(3000, "a"), Arrays.asList("a", null), List.of(1.5, 2), List.of(-1),
                List.of(Integer.MAX_VALUE), List.of(List.of(1), 7), List.of(List.of()), List.of(List.of("a")));
        badValues(out, bodies, "/v1/embeddings", "dimensions", 0, -3, 100_000, "ten", 1.5);
        badValues(out, bodies, "/v1/embeddings", "model", "gpt-nope", "../../etc/passwd");
        badValues(out, bodies, "/v1/embeddings", "encoding_format", "int8");
        badValues(out, bodies, "/v1/embeddings", "input_type", "sideways");
        badValues(out, bodies, "/v1/rag/context", "query", null, "", distinctWords(3000));
        badValues(out, bodies, "/v1/rag/context", "budget_tokens", null, 0, -1, Integer.MIN_VALUE);
        badValues(out, bodies, "/v1/rag/context", "reserve_tokens", -5, 64, Integer.MAX_VALUE);
        badValues(out, bodies, "/v1/rag/context", "tokenizer", "nope", "../../etc/passwd");
        badValues(out, bodies, "/v1/rag/context", "strategy", "nope", "");
        badValues(out, bodies, "/v1/rag/context", "k", 0, -1, 100_000_000);
        badValues(out, bodies, "/v1/rag/context", "abstractive", true);
        badValues(out, bodies, "/v1/rag/context", "filter", Map.of("bad key!", 1));
        Map<String, Object> refrag = new LinkedHashMap<>(bodies.get("/v1/rag/context"));
        refrag.put("strategy", "refrag");
        for (Object chunk : List.of(0, -4, Integer.MIN_VALUE)) {
            Map<String, Object> body = new LinkedHashMap<>(refrag);
            body.put("chunk_tokens", chunk);
            out.add(Case.rejected("rag chunk_tokens " + chunk, () -> postJson("/v1/rag/context", body)));
        }
        for (String target : List.of("nope", "mismatched-llm")) {
            Map<String, Object> body = new LinkedHashMap<>(refrag);
            body.put("return_embeddings", true);
            body.put("target_model", target);
            out.add(Case.rejected("rag target_model " + target, 400, "target_model", () -> postJson("/v1/rag/context", body)));
        }
        badValues(out, bodies, "/v1/tokenize/image", "image_base64", "!!!not base64!!!", "",
                "aGVsbG8gd29ybGQ=", "data:image/png;base64,", "data:image/png;base64,aGVsbG8=");
        badValues(out, bodies, "/v1/tokenize/image", "model", "nope", "../titok-tiny");
        Map<String, Object> both = new LinkedHashMap<>(bodies.get("/v1/tokenize/image"));
        both.put("images_base64", List.of("aGVsbG8="));
        out.add(Case.rejected("tokenize with both image_base64 and images_base64", () -> postJson("/v1/tokenize/image", both)));
        for (Object images : Arrays.asList(List.of(), Arrays.asList((Object) null), Collections.nCopies(17, "aGVsbG8="))) {
            Map<String, Object> body = map("model", "titok-tiny", "images_base64", images);
            out.add(Case.rejected("tokenize images_base64 of " + ((List<?>) images).size() + " bad entries",
                    () -> postJson("/v1/tokenize/image", body)));
        }
        badValues(out, bodies, "/v1/detokenize/image", "tokens", null, "abc", List.of(), List.of(List.of()),
                Collections.nCopies(31, 1), Collections.nCopies(33, 1), Collections.nCopies(32, -1),
                Collections.nCopies(32, 256), Collections.nCopies(32, literal("99999999999")), Collections.nCopies(32, 1.5),
                List.of(List.of(List.of(1))), List.of(Collections.nCopies(32, 1), 5),
                Collections.nCopies(17, Collections.nCopies(32, 1)));
        badValues(out, bodies, "/v1/detokenize/image", "model", "nope");
        return out;
    }

    static void wrongTypes(List<Case> out, Map<String, Map<String, Object>> bodies, String path, String field,
            Object... values) {
        for (Object value : values) {
            Map<String, Object> body = new LinkedHashMap<>(bodies.get(path));
            body.put(field, value);
            out.add(Case.rejected(path + " " + field + " of the wrong type: " + describe(value), 400, field,
                    () -> postJson(path, body)));
        }
    }

    static void badValues(List<Case> out, Map<String, Map<String, Object>> bodies, String path, String field,
            Object... values) {
        for (Object value : values) {
            Map<String, Object> body = new LinkedHashMap<>(bodies.get(path));
            body.put(field, value);
            out.add(Case.rejected(path + " " + field + " = " + describe(value), () -> postJson(path, body)));
        }
    }

    /** More query terms than Lucene takes in one query. */
    static String distinctWords(int n) {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < n; i++) {
            words.append("term").append(i).append(' ');
        }
        return words.toString();
    }

    /** Filters the grammar refuses: shapes, operators, operand types, sizes, depth. */
    static List<Object> badFilters() {
        List<Object> f = new ArrayList<>();
        f.add("year >= 2020");
        f.add(5);
        f.add(List.of(Map.of("k", 1)));
        f.add(Map.of("k", Map.of()));
        f.add(Map.of("k", Map.of("between", List.of(1, 2))));
        f.add(Map.of("k", Map.of("EQ", 1)));
        f.add(Map.of("and", List.of()));
        f.add(Map.of("or", List.of()));
        f.add(Map.of("and", "x"));
        f.add(Map.of("or", Map.of("k", 1)));
        f.add(Map.of("not", List.of(Map.of("k", 1))));
        f.add(Map.of("not", "x"));
        f.add(Map.of("not", Map.of()));
        f.add(Map.of("and", List.of(Map.of("k", 1), "x")));
        f.add(Map.of("or", List.of(Map.of("k", Map.of("nope", 1)))));
        f.add(map("k", null));
        f.add(Map.of("k", Map.of("in", "x")));
        f.add(Map.of("k", Map.of("nin", 5)));
        f.add(Map.of("k", Map.of("in", Collections.nCopies(1025, "v"))));
        f.add(Map.of("k", Map.of("exists", "yes")));
        f.add(Map.of("k", Map.of("exists", 1)));
        f.add(Map.of("k", Map.of("contains", 5)));
        f.add(Map.of("k", Map.of("contains", List.of("a"))));
        f.add(Map.of("k", Map.of("gt", true)));
        f.add(Map.of("k", Map.of("gt", List.of(1, 2))));
        f.add(Map.of("k", Map.of("eq", Map.of("x", 1))));
        f.add(Map.of("k", map("eq", null)));
        f.add(Map.of("k", List.of(List.of(1))));
        f.add(Map.of("k", List.of(Map.of("a", 1))));
        f.add(Map.of("k", Map.of("in", List.of(List.of(1)))));
        f.add(Map.of("", 1));
        f.add(Map.of("k".repeat(129), 1));
        f.add(Map.of("k", literal("1e999")));
        f.add(Map.of("k", Map.of("gte", literal("-1e999"))));
        f.add(Map.of("k", literal("99999999999999999999999")));
        f.add(manyKeys(1025));
        Object deep = Map.of("k", 1);
        for (int i = 0; i < 40; i++) {
            deep = Map.of("not", deep);
        }
        f.add(deep);
        Object deepAnd = Map.of("k", 1);
        for (int i = 0; i < 33; i++) {
            deepAnd = Map.of("and", List.of(deepAnd));
        }
        f.add(deepAnd);
        List<Object> leaves = new ArrayList<>();
        for (int i = 0; i < 1025; i++) {
            leaves.add(Map.of("k" + i, i));
        }
        f.add(Map.of("or", leaves));
        return f;
    }

    static Map<String, Object> manyKeys(int n) {
        Map<String, Object> keys = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            keys.put("k" + i, "v");
        }
        return keys;
    }

    // ---- uploads -----------------------------------------------------------------------------

    static List<Case> uploads() throws Exception {
        List<Case> out = new ArrayList<>();
        byte[] pdf = DocumentsApiTest.pdf("Hostile", "A perfectly ordinary sentence about wind tunnels.");
        for (double at : new double[] {0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.85, 0.95, 0.99}) {
            byte[] cut = Arrays.copyOf(pdf, (int) (pdf.length * at));
            out.add(Case.answered("PDF truncated at " + (int) (at * 100) + "%",
                    () -> upload("/v1/documents", "cut.pdf", cut, Map.of("id", "hostile-pdf-cut"))));
        }
        for (int seed = 0; seed < 10; seed++) {
            byte[] flipped = corrupt(pdf, seed, 12);
            out.add(Case.answered("PDF with 12 corrupted bytes, seed " + seed,
                    () -> upload("/v1/documents", "flipped.pdf", flipped, Map.of("id", "hostile-pdf-flip"))));
        }
        out.add(Case.rejected("PDF header and garbage, replacing a kept document", 400, "file",
                () -> upload("/v1/documents", "garbage.pdf", "%PDF-1.7\n1 0 obj << /Kids [".getBytes(), Map.of("id", "kept-1"))));
        out.add(Case.rejected("PDF cut after its header, replacing a kept document",
                () -> upload("/v1/documents", "cut.pdf", Arrays.copyOf(pdf, 16), Map.of("id", "kept-1"))));

        byte[] html = ("<html><head><title>Hostile page</title></head><body><p>Ordinary words about nozzles.</p>"
                + "<table><tr><td>cell</td></tr></table></body></html>").getBytes(StandardCharsets.UTF_8);
        for (double at : new double[] {0.1, 0.3, 0.5, 0.8}) {
            byte[] cut = Arrays.copyOf(html, (int) (html.length * at));
            out.add(Case.answered("HTML truncated at " + (int) (at * 100) + "%",
                    () -> upload("/v1/documents", "cut.html", cut, Map.of("id", "hostile-html"))));
        }
        byte[] binaryHtml = concat("<html><body><p>".getBytes(), new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, 0, 0},
                "</p></body></html>".getBytes());
        out.add(Case.answered("HTML with binary bytes", () -> upload("/v1/documents", "bin.html", binaryHtml,
                Map.of("id", "hostile-html-bin"))));
        out.add(Case.answered("HTML nested 20000 divs deep", () -> upload("/v1/documents", "deep.html",
                ("<html><body>" + "<div>".repeat(20000) + "deep words" + "</div>".repeat(20000) + "</body></html>").getBytes(),
                Map.of("id", "hostile-html-deep"))));
        out.add(Case.rejected("HTML with no text, replacing a kept document",
                () -> upload("/v1/documents", "empty.html", "<html><body><script>x()</script></body></html>".getBytes(),
                        Map.of("id", "kept-2"))));
        for (int seed = 0; seed < 4; seed++) {
            byte[] noise = new byte[2000];
            new Random(seed).nextBytes(noise);
            out.add(Case.rejected("random bytes named .txt, seed " + seed,
                    () -> upload("/v1/documents", "noise.txt", noise, Map.of("id", "kept-3"))));
        }
        out.add(Case.rejected("empty upload", 400, "file", () -> upload("/v1/documents", "empty.txt", new byte[0], Map.of())));
        out.add(Case.rejected("upload over the size limit", 413, null, () -> upload("/v1/documents", "big.txt",
                "word ".repeat((int) TesseraServer.MAX_BODY_BYTES / 5 + 10).getBytes(), Map.of("id", "kept-3"))));
        out.add(Case.rejected("metadata part not JSON", 400, "metadata", () -> upload("/v1/documents", "a.txt",
                "Plain words.".getBytes(), Map.of("id", "kept-4", "metadata", "{not json"))));
        out.add(Case.rejected("metadata part a JSON array", 400, "metadata", () -> upload("/v1/documents", "a.txt",
                "Plain words.".getBytes(), Map.of("id", "kept-4", "metadata", "[1,2]"))));
        out.add(Case.rejected("metadata part with a bad key", () -> upload("/v1/documents", "a.txt",
                "Plain words.".getBytes(), Map.of("id", "kept-4", "metadata", "{\"bad key!\":1}"))));
        out.add(Case.rejected("multipart id with a slash", 400, "id", () -> upload("/v1/documents", "a.txt",
                "Plain words.".getBytes(), Map.of("id", "a/b"))));

        byte[] png = ImageTokenizeApiTest.input("titok-tiny", 0);
        out.add(Case.rejected("PNG uploaded as a document", 415, "file",
                () -> upload("/v1/documents", "picture.png", png, Map.of("id", "kept-5"))));
        for (double at : new double[] {0.0, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98}) {
            byte[] cut = Arrays.copyOf(png, Math.max(1, (int) (png.length * at)));
            String name = "PNG truncated at " + (int) (at * 100) + "%";
            Supplier<Reply> request = () -> upload("/v1/tokenize/image", "cut.png", cut, Map.of("model", "titok-tiny"));
            // Cut only in its trailer (IEND), the picture is all there, and ImageIO reads it.
            out.add(at < 0.95 ? Case.rejected(name, request) : Case.answered(name, request));
        }
        for (int seed = 0; seed < 8; seed++) {
            byte[] flipped = corrupt(png, seed, 6);
            out.add(Case.answered("PNG with 6 corrupted bytes, seed " + seed,
                    () -> upload("/v1/tokenize/image", "flipped.png", flipped, Map.of("model", "titok-tiny"))));
        }
        for (int[] size : new int[][] {{0, 0}, {1, 0}, {0x7fffffff, 0x7fffffff}, {100_000, 100_000}, {65, 64}}) {
            byte[] header = pngHeader(size[0], size[1]);
            out.add(Case.rejected("PNG header claiming " + size[0] + "x" + size[1],
                    () -> upload("/v1/tokenize/image", "claims.png", header, Map.of("model", "titok-tiny"))));
        }
        out.add(Case.rejected("a PDF as an image", 415, "file",
                () -> upload("/v1/tokenize/image", "doc.png", pdf, Map.of("model", "titok-tiny"))));
        out.add(Case.rejected("image upload naming an unknown model", 404, "model",
                () -> upload("/v1/tokenize/image", "a.png", png, Map.of("model", "nope"))));

        String boundary = "hostile-boundary";
        String type = "multipart/form-data; boundary=" + boundary;
        out.add(Case.rejected("multipart without a file part", () -> post("/v1/documents", type,
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\nkept-6\r\n--" + boundary
                        + "--\r\n").getBytes())));
        out.add(Case.rejected("multipart never terminated", () -> post("/v1/documents", type,
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n"
                        + "words").getBytes())));
        out.add(Case.rejected("multipart with the wrong boundary", () -> post("/v1/documents",
                "multipart/form-data; boundary=other", ("--" + boundary + "\r\nContent-Disposition: form-data; "
                        + "name=\"file\"; filename=\"a.txt\"\r\n\r\nwords\r\n--" + boundary + "--\r\n").getBytes())));
        out.add(Case.rejected("multipart with no headers in its part", () -> post("/v1/documents", type,
                ("--" + boundary + "\r\n\r\nwords\r\n--" + boundary + "--\r\n").getBytes())));
        out.add(Case.rejected("multipart image call without a file part", () -> post("/v1/tokenize/image", type,
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\ntitok-tiny\r\n--"
                        + boundary + "--\r\n").getBytes())));
        return out;
    }

    // ---- URLs, methods and raw HTTP ----------------------------------------------------------

    static List<Case> urlsMethodsAndRawHttp() {
        List<Case> out = new ArrayList<>();
        for (String path : List.of("/v1/documents/%00", "/v1/documents/%zz", "/v1/documents/a%2Fb",
                "/v1/documents/..%2F..%2Fetc%2Fpasswd", "/v1/documents/%ff%fe", "/v1/documents/" + "a".repeat(20_000),
                "/v1/jobs/%ff", "/v1/documents/a%00b", "/v1/documents/kept-0/..%2F..")) {
            String shown = path.length() > 60 ? path.substring(0, 40) + "...(" + path.length() + " chars)" : path;
            out.add(Case.rejected("GET " + shown, () -> rawHttp("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
            out.add(Case.rejected("DELETE " + shown,
                    () -> rawHttp("DELETE " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
        }
        out.add(Case.rejected("GET a path of invalid UTF-8 bytes", () -> raw(concat("GET /v1/documents/".getBytes(),
                new byte[] {(byte) 0xff, (byte) 0xfe}, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes()))));
        out.add(Case.rejected("a request line of garbage", () -> rawHttp("GARBAGE\r\n\r\n")));
        out.add(Case.rejected("a header over the size limit",
                () -> rawHttp("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n")));
        out.add(Case.rejected("a broken chunked body", () -> rawHttp("POST /v1/search HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n")));
        out.add(Case.rejected("TRACE", () -> rawHttp("TRACE /v1/search HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
        out.add(Case.rejected("PATCH a document", () -> server.send("PATCH", "/v1/documents/kept-0", "application/json",
                HttpRequest.BodyPublishers.ofString("{\"text\":\"patched\"}"))));
        out.add(Case.rejected("PUT a document", () -> server.send("PUT", "/v1/documents/kept-0", "application/json",
                HttpRequest.BodyPublishers.ofString("{\"text\":\"put\"}"))));
        out.add(Case.rejected("DELETE the collection", () -> server.delete("/v1/documents")));
        out.add(Case.rejected("GET a search", () -> server.get("/v1/search?query=wing")));
        out.add(Case.rejected("an unknown path", 404, null, () -> server.get("/v1/nothing-here")));
        out.add(Case.rejected("an unknown version", 404, null, () -> postJson("/v2/search", Map.of("query", "x"))));
        out.add(Case.rejected("an unknown document", 404, null, () -> server.get("/v1/documents/no-such-document")));
        out.add(Case.rejected("an unknown job", 404, null, () -> server.get("/v1/jobs/no-such-job")));
        out.add(Case.rejected("an unknown document asked for as XML", () -> server.send("GET", "/v1/documents/nope",
                null, HttpRequest.BodyPublishers.noBody(), Map.of("Accept", "application/xml"))));
        return out;
    }

    // ---- bulk --------------------------------------------------------------------------------

    static final List<String> BULK_JOBS = Collections.synchronizedList(new ArrayList<>());

    static List<Case> bulkBodies() {
        List<Case> out = new ArrayList<>();
        out.add(Case.rejected("empty bulk body", 400, "body", () -> bulk("\n \n".getBytes())));
        out.add(Case.rejected("bulk body over its limit", 413, "body",
                () -> bulk(("{\"text\":\"" + "x".repeat(1000) + "\"}\n").repeat(1100).getBytes())));
        byte[] mixed = concat("{\"id\":\"hostile-bulk-1\",\"text\":\"A good line.\"}\n{\"id\":\"hostile-bulk-2\",\"text\":\"".getBytes(),
                new byte[] {(byte) 0xff, (byte) 0xfe}, ("\"}\nnull\n42\n[1,2]\n" + "[".repeat(5000) + "\n"
                        + "{\"id\":\"kept-7\",\"text\":\"\"}\n{\"id\":\"a b\",\"text\":\"x\"}\n"
                        + "{\"id\":\"hostile-bulk-3\",\"text\":\"Another good line.\",\"metadata\":{\"n\":1e999}}\n"
                        + "{\"id\":\"hostile-bulk-4\",\"text\":\"The last good line.\"}").getBytes());
        out.add(Case.answered("bulk with bad lines among good ones", () -> {
            Reply r = bulk(mixed);
            if (r.status() == 202) {
                BULK_JOBS.add(r.json().get("id").asString());
            }
            return r;
        }));
        byte[] noise = new byte[4096];
        new Random(99).nextBytes(noise);
        out.add(Case.answered("bulk of random bytes", () -> {
            Reply r = bulk(noise);
            if (r.status() == 202) {
                BULK_JOBS.add(r.json().get("id").asString());
            }
            return r;
        }));
        return out;
    }

    static void bulkJobsFinish() throws InterruptedException {
        assertThat(BULK_JOBS).hasSize(2);
        for (String id : BULK_JOBS) {
            JsonNode status = server.awaitJob(id);
            assertThat(status.get("state").asString()).as("job %s", status).isEqualTo("done_with_errors");
        }
        JsonNode mixed = server.awaitJob(BULK_JOBS.getFirst());
        assertThat(mixed.get("done").asInt()).as("%s", mixed).isEqualTo(2);
        assertThat(mixed.get("failed").asInt()).as("%s", mixed).isEqualTo(8);
        assertThat(server.get("/v1/documents/hostile-bulk-4").status()).isEqualTo(200);
    }

    // ---- concurrency -------------------------------------------------------------------------

    static void concurrentDeletes() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 3; round++) {
                String id = "doomed-" + round;
                server.index(id, "Doomed", "A document deleted by eight clients at once.", Map.of("set", "doomed"));
                List<Callable<Reply>> deletes = Collections.nCopies(8, () -> server.delete("/v1/documents/" + id));
                List<Integer> statuses = new ArrayList<>();
                for (Future<Reply> f : pool.invokeAll(deletes)) {
                    Reply r = f.get();
                    check(Case.answered("concurrent delete of " + id, () -> r), r);
                    statuses.add(r.status());
                }
                assertThat(statuses).as("round %d", round).containsOnly(204, 404);
                assertThat(statuses.stream().filter(s -> s == 204).count()).as("exactly one delete wins: %s", statuses)
                        .isEqualTo(1);
                assertThat(server.get("/v1/documents/" + id).status()).isEqualTo(404);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static void concurrentReplacements() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Reply>> writes = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String text = ("Version " + i + " of the contested document. ").repeat(40 + 30 * i);
                writes.add(() -> postJson("/v1/documents", Map.of("id", "contested", "text", text)));
            }
            writes.add(() -> server.delete("/v1/documents/contested"));
            for (Future<Reply> f : pool.invokeAll(writes)) {
                Reply r = f.get();
                check(Case.answered("concurrent write of contested", () -> r), r);
            }
            Reply last = server.get("/v1/documents/contested");
            if (last.status() == 200) {
                // Whichever write won, its chunks are all its own: no mix of two versions.
                JsonNode doc = last.json();
                String text = doc.get("text").asString();
                String version = text.substring(0, text.indexOf(" of the"));
                assertThat(text.replace(version + " of the contested document. ", "")).isEmpty();
                for (JsonNode chunk : doc.get("chunks")) {
                    assertThat(chunk.get("end").asInt()).isLessThanOrEqualTo(text.length());
                }
            } else {
                assertThat(last.status()).isEqualTo(404);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- what was there before ---------------------------------------------------------------

    static void keptDocumentsSurvive() {
        for (Map.Entry<String, String> kept : KEPT.entrySet()) {
            Reply get = server.get("/v1/documents/" + kept.getKey());
            assertThat(get.status()).as(kept.getKey()).isEqualTo(200);
            assertThat(get.json().get("text").asString()).isEqualTo(kept.getValue());
            assertThat(get.json().get("title").asString()).isEqualTo("Kept " + kept.getKey());
            assertThat(get.json().get("metadata").get("set").asString()).isEqualTo("kept");
            String subject = kept.getValue().substring(0, kept.getValue().indexOf('.'));
            for (String mode : List.of("bm25", "vector", "hybrid")) {
                Reply search = postJson("/v1/search", Map.of("query", subject, "k", 3, "mode", mode,
                        "filter", Map.of("set", "kept")));
                assertThat(search.status()).isEqualTo(200);
                assertThat(search.json().get("hits").get(0).get("doc_id").asString()).as("%s by %s", subject, mode)
                        .isEqualTo(kept.getKey());
            }
        }
        Reply all = postJson("/v1/search", Map.of("query", "measurements from experiment", "k", 50, "mode", "bm25",
                "filter", Map.of("set", "kept")));
        assertThat(all.json().get("hits").size()).isEqualTo(KEPT.size());
        Reply ready = server.get("/actuator/health/readiness");
        assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    }

    // ---- helpers -----------------------------------------------------------------------------

    static Reply post(String path, String contentType, byte[] body) {
        return server.send("POST", path, contentType, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** JSON, with {@link #literal} placeholders replaced by the literal they stand for (numbers Jackson would not write). */
    static Reply postJson(String path, Object body) {
        String json = TesseraServer.JSON.writeValueAsString(body).replaceAll("\"__raw__(.*?)__\"", "$1");
        return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static String literal(String json) {
        return "__raw__" + json + "__";
    }

    static Reply upload(String path, String fileName, byte[] content, Map<String, String> fields) {
        return server.upload(path, fileName, content, fields);
    }

    static Reply bulk(byte[] ndjson) {
        return post("/v1/documents/bulk", "application/x-ndjson", ndjson);
    }

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    static String describe(Object value) {
        String s = value == null ? "null" : value instanceof String str && str.startsWith("__raw__")
                ? str.substring(7, str.length() - 2) : TesseraServer.JSON.writeValueAsString(value);
        s = s.replaceAll("\\p{Cntrl}", "?");
        return s.length() > 40 ? s.substring(0, 30) + "...(" + s.length() + " chars)" : s;
    }

    static byte[] corrupt(byte[] original, int seed, int bytes) {
        byte[] copy = original.clone();
        Random random = new Random(seed);
        for (int i = 0; i < bytes; i++) {
            // Past the first 16 bytes, so the type is still recognised and the parser has to cope.
            int at = 16 + random.nextInt(copy.length - 16);
            copy[at] = (byte) random.nextInt(256);
        }
        return copy;
    }

    /** The signature and an IHDR chunk claiming the given size, and nothing more. */
    static byte[] pngHeader(int width, int height) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(33);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        b.putInt(13).put("IHDR".getBytes()).putInt(width).putInt(height).put(new byte[] {8, 2, 0, 0, 0});
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b.array(), 12, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static Reply raw(byte[] request) {
        URI base = URI.create(server.base());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] response = in.readAllBytes();
            return parseResponse(response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Reply rawHttp(String request) {
        return raw(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Status, content type and body of a raw HTTP/1.1 response, de-chunked. */
    static Reply parseResponse(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int split = text.indexOf("\r\n\r\n");
        assertThat(split).as("a complete response: %s", text).isPositive();
        String[] head = text.substring(0, split).split("\r\n");
        int status = Integer.parseInt(head[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            headers.put(head[i].substring(0, colon).trim(), List.of(head[i].substring(colon + 1).trim()));
        }
        String body = text.substring(split + 4);
        boolean chunked = headers.entrySet().stream().anyMatch(h -> h.getKey().equalsIgnoreCase("Transfer-Encoding")
                && h.getValue().getFirst().equalsIgnoreCase("chunked"));
        if (chunked) {
            StringBuilder joined = new StringBuilder();
            int at = 0;
            while (true) {
                int eol = body.indexOf("\r\n", at);
                int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
                if (size == 0) {
                    break;
                }
                joined.append(body, eol + 2, eol + 2 + size);
                at = eol + 2 + size + 2;
            }
            body = joined.toString();
        }
        String contentType = headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Content-Type"))
                .map(h -> h.getValue().getFirst()).findFirst().orElse("");
        return new Reply(status, contentType, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
                headers);
    }
}
