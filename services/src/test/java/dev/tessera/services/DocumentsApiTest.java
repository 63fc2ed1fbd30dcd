package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class DocumentsApiTest {

    static TesseraServer server;

    @BeforeAll
    static void start() {
        server = TesseraServer.shared();
    }

    @Test
    void createReadReplaceDelete() {
        Reply created = server.postJson("/v1/documents", Map.of("id", "doc-crud", "title", "Nozzles",
                "text", "Supersonic nozzles expand the flow. The exit Mach number depends on the area ratio.",
                "metadata", Map.of("year", 1961, "tags", java.util.List.of("nozzle", "flow"))));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("id").asString()).isEqualTo("doc-crud");
        assertThat(created.json().get("chunks").asInt()).isEqualTo(1);

        JsonNode doc = server.get("/v1/documents/doc-crud").json();
        assertThat(doc.get("title").asString()).isEqualTo("Nozzles");
        assertThat(doc.get("metadata").get("year").asInt()).isEqualTo(1961);
        JsonNode chunk = doc.get("chunks").get(0);
        assertThat(chunk.get("chunk_id").asString()).isEqualTo("doc-crud#0");
        assertThat(chunk.get("start").asInt()).isZero();
        assertThat(chunk.get("end").asInt()).isEqualTo(doc.get("text").asString().length());

        assertThat(server.postJson("/v1/documents", Map.of("id", "doc-crud", "text", "Replaced text about diffusers."))
                .status()).isEqualTo(201);
        assertThat(server.get("/v1/documents/doc-crud").json().get("text").asString()).isEqualTo("Replaced text about diffusers.");
        assertThat(search("supersonic nozzles area ratio", "bm25")).doesNotContain("doc-crud");

        assertThat(server.delete("/v1/documents/doc-crud").status()).isEqualTo(204);
        assertThat(server.get("/v1/documents/doc-crud").status()).isEqualTo(404);
    }

    @Test
    void documentWithoutIdGetsOne() {
        Reply created = server.postJson("/v1/documents", Map.of("text", "An anonymous note on vortex shedding."));
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(id).isNotBlank();
        assertThat(server.get("/v1/documents/" + id).status()).isEqualTo(200);
    }

    @Test
    void longDocumentsAreChunkedWithOffsets() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            text.append("Sentence number ").append(i).append(" discusses the boundary layer on a flat plate. ");
        }
        Reply created = server.postJson("/v1/documents", Map.of("id", "long-doc", "text", text.toString()));
        int chunks = created.json().get("chunks").asInt();
        assertThat(chunks).isGreaterThan(3);
        JsonNode doc = server.get("/v1/documents/long-doc").json();
        String source = doc.get("text").asString();
        for (JsonNode c : doc.get("chunks")) {
            assertThat(c.get("tokens").asInt()).isLessThanOrEqualTo(256);
            assertThat(source.substring(c.get("start").asInt(), c.get("end").asInt())).endsWith(".");
        }
    }

    @Test
    void uploadsTextMarkdownHtmlAndPdf() throws Exception {
        assertThat(server.upload("/v1/documents", "notes.txt", "Plain notes on flutter of panels.".getBytes(),
                Map.of("id", "up-txt")).status()).isEqualTo(201);
        assertThat(server.upload("/v1/documents", "guide.md", "# Shock tubes\n\nA shock tube makes a clean shock.".getBytes(),
                Map.of("id", "up-md", "metadata", "{\"format\":\"md\"}")).status()).isEqualTo(201);
        assertThat(server.upload("/v1/documents", "page.html",
                "<html><head><title>Heat shields</title></head><body><p>Ablative heat shields char.</p></body></html>".getBytes(),
                Map.of("id", "up-html")).status()).isEqualTo(201);
        assertThat(server.upload("/v1/documents", "paper.pdf", pdf("Delta wings", "Vortex lift on slender delta wings."),
                Map.of("id", "up-pdf")).status()).isEqualTo(201);

        assertThat(server.get("/v1/documents/up-md").json().get("title").asString()).isEqualTo("Shock tubes");
        assertThat(server.get("/v1/documents/up-html").json().get("text").asString()).isEqualTo("Ablative heat shields char.");
        assertThat(server.get("/v1/documents/up-pdf").json().get("title").asString()).isEqualTo("Delta wings");
        assertThat(search("vortex lift slender delta wings", "hybrid")).startsWith("up-pdf");
        Reply filtered = server.postJson("/v1/search", Map.of("query", "shock", "mode", "bm25", "filter", Map.of("format", "md")));
        assertThat(filtered.json().get("hits").get(0).get("doc_id").asString()).isEqualTo("up-md");
    }

    @Test
    void bulkNdjsonRunsAsAJobWithProgressAndPerLineErrorsAndEndsDoneWithErrors() throws Exception {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            ndjson.append("{\"id\":\"bulk-").append(i).append("\",\"title\":\"Bulk ").append(i)
                    .append("\",\"text\":\"Bulk document ").append(i).append(" about hypersonic re-entry.\"}\n");
        }
        ndjson.append("{\"id\":\"bulk-empty\",\"text\":\"\"}\n");
        ndjson.append("this is not json\n");
        Reply accepted = server.send("POST", "/v1/documents/bulk", "application/x-ndjson",
                HttpRequest.BodyPublishers.ofString(ndjson.toString()));
        assertThat(accepted.status()).isEqualTo(202);
        String job = accepted.json().get("id").asString();
        assertThat(accepted.json().get("total").asInt()).isEqualTo(42);

        JsonNode status = server.awaitJob(job);
        assertThat(status.get("state").asString()).as("a job with failed lines does not end plain done")
                .isEqualTo("done_with_errors");
        assertThat(status.get("message").asString()).startsWith("2 of 42 documents failed");
        assertThat(status.get("done").asInt()).isEqualTo(40);
        assertThat(status.get("failed").asInt()).isEqualTo(2);
        assertThat(status.get("errors")).extracting(e -> e.get("line").asInt()).containsExactly(41, 42);
        assertThat(status.get("rate_per_s").asDouble()).isPositive();
        assertThat(server.get("/v1/documents/bulk-39").status()).isEqualTo(200);
    }

    @Test
    void aMisspeltOrMistypedFieldReadsTheSameInABulkLineAsInASingleDocument() throws Exception {
        String misspelt = "{\"id\":\"same-1\",\"txt\":\"Ailerons lose effect at high dynamic pressure.\"}";
        String mistyped = "{\"id\":\"same-2\",\"text\":5}";
        Reply single = server.postJson("/v1/documents", misspelt);
        BadInputTest.assertProblem(single, 400, "txt");
        assertThat(single.json().get("detail").asString()).contains("unknown field 'txt'", "text");
        Reply singleType = server.postJson("/v1/documents", mistyped);
        BadInputTest.assertProblem(singleType, 400, "text");

        Reply accepted = server.send("POST", "/v1/documents/bulk", "application/x-ndjson", HttpRequest.BodyPublishers
                .ofString(misspelt + "\n" + mistyped + "\n{\"_id\":\"same-3\",\"text\":\"A BEIR line keeps its _id.\"}\n"));
        JsonNode status = server.awaitJob(accepted.json().get("id").asString());
        assertThat(status.get("errors")).hasSize(2);
        JsonNode first = status.get("errors").get(0);
        assertThat(first.get("field").asString()).isEqualTo("txt");
        assertThat(first.get("message").asString()).isEqualTo(single.json().get("detail").asString());
        JsonNode second = status.get("errors").get(1);
        assertThat(second.get("field").asString()).isEqualTo("text");
        assertThat(second.get("message").asString()).isEqualTo(singleType.json().get("detail").asString());
        assertThat(server.get("/v1/documents/same-3").status()).isEqualTo(200);
    }

    static String search(String query, String mode) {
        JsonNode hits = server.postJson("/v1/search", Map.of("query", query, "mode", mode, "k", 5)).json().get("hits");
        StringBuilder ids = new StringBuilder();
        hits.forEach(h -> ids.append(h.get("doc_id").asString()).append(' '));
        return ids.toString();
    }

    static byte[] pdf(String title, String body) throws Exception {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            doc.getDocumentInformation().setTitle(title);
            try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.newLineAtOffset(72, 700);
                content.showText(body);
                content.endText();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }
}
