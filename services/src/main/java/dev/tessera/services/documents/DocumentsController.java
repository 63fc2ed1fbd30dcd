package dev.tessera.services.documents;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.chunk.Chunk;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.document.DocumentParser;
import dev.tessera.retrieval.document.ParsedDocument;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.StoredDocument;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.services.jobs.BulkIngestJobs;
import dev.tessera.services.jobs.JobStatus;
import dev.tessera.services.web.UploadedFile;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.util.UriUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** Document ingest, read-back and deletion. */
@RestController
@Tag(name = "documents")
public class DocumentsController {

    public record Created(String id, int chunks) {}

    public record ChunkView(String chunkId, int ordinal, int start, int end, int tokens) {}

    public record DocumentView(String id, String title, String text, Map<String, Object> metadata,
                               List<ChunkView> chunks) {
        static DocumentView of(StoredDocument d) {
            return new DocumentView(d.id(), d.title(), d.text(), d.metadata(), d.chunks().stream()
                    .map((Chunk c) -> new ChunkView(d.id() + "#" + c.ordinal(), c.ordinal(), c.start(), c.end(),
                            c.tokens()))
                    .toList());
        }
    }

    private final DocumentIngestor ingestor;
    private final DocumentIndex index;
    private final DocumentParser parser;
    private final BulkIngestJobs jobs;
    private final ObjectMapper json;

    public DocumentsController(DocumentIngestor ingestor, DocumentIndex index, DocumentParser parser,
                               BulkIngestJobs jobs, ObjectMapper json) {
        this.ingestor = ingestor;
        this.index = index;
        this.parser = parser;
        this.jobs = jobs;
        this.json = json;
    }

    @PostMapping(path = "/v1/documents", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "201", description = "Indexed and durable; Location: /v1/documents/{id}")
    public ResponseEntity<Created> create(@RequestBody NewDocument body) {
        return created(ingestor.ingest(body.toDocument()));
    }

    @PostMapping(path = "/v1/documents", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ApiResponse(responseCode = "201", description = "Indexed and durable; Location: /v1/documents/{id}")
    public ResponseEntity<Created> upload(@RequestPart("file") MultipartFile file,
                                          @RequestPart(name = "id", required = false) String id,
                                          @RequestPart(name = "title", required = false) String title,
                                          @RequestPart(name = "metadata", required = false) String metadata)
            throws IOException {
        ParsedDocument parsed = parser.parse(UploadedFile.bytes(file), file.getOriginalFilename());
        Map<String, Object> meta = metadata == null || metadata.isBlank() ? Map.of() : parseMetadata(metadata);
        String docTitle = title != null && !title.isBlank() ? title : parsed.title();
        if (docTitle.isBlank() && file.getOriginalFilename() != null) {
            docTitle = file.getOriginalFilename();
        }
        return created(ingestor.ingest(new Document(id, docTitle, parsed.text(), meta)));
    }

    private Map<String, Object> parseMetadata(String metadata) {
        try {
            return json.readValue(metadata, new TypeReference<Map<String, Object>>() {});
        } catch (JacksonException e) {
            throw new InvalidRequestException("metadata", "metadata must be a JSON object");
        }
    }

    private static ResponseEntity<Created> created(DocumentIngestor.Ingested result) {
        // Ids may hold characters a URI does not (%, |, quotes, non-ASCII): encode them.
        URI location = URI.create("/v1/documents/" + UriUtils.encode(result.id(), StandardCharsets.UTF_8));
        return ResponseEntity.created(location)
                .body(new Created(result.id(), result.chunks()));
    }

    @GetMapping("/v1/documents/{id}")
    public DocumentView get(@PathVariable String id) {
        return index.get(id).map(DocumentView::of).orElseThrow(() -> new DocumentNotFoundException(id));
    }

    @DeleteMapping("/v1/documents/{id}")
    @ApiResponse(responseCode = "204", description = "Deleted, durably")
    public ResponseEntity<Void> delete(@PathVariable String id) {
        if (!index.delete(id)) {
            throw new DocumentNotFoundException(id);
        }
        return ResponseEntity.noContent().build();
    }

    /** NDJSON, one document per line; spooled to disk, answered with a job to poll. */
    @PostMapping(path = "/v1/documents/bulk")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, description = "One document per line",
            content = @Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string",
                    example = "{\"id\":\"d1\",\"title\":\"Wings\",\"text\":\"A wing in a slipstream.\"}")))
    @ApiResponse(responseCode = "202", description = "Spooled; poll the job at Location: /v1/jobs/{id}")
    public ResponseEntity<JobStatus> bulk(HttpServletRequest request) throws IOException {
        JobStatus job = jobs.submit(request.getInputStream());
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/v1/jobs/" + job.id())).body(job);
    }
}
