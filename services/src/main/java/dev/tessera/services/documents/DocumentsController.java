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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import dev.tessera.retrieval.collection.CollectionRegistry;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.index.DocumentPage;
import org.springframework.web.bind.annotation.RequestParam;
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

    /** A page of a listing; {@code next_cursor} is null on the last page. */
    public record Page(List<DocumentView> documents, String nextCursor) {}

    public record Count(long count) {}

    public record Deleted(long deleted) {}

    /** {@code filter}, or {@code ids}, or {@code all: true} (an empty filter deletes nothing without it). */
    public record DeleteRequest(Map<String, Object> filter, List<String> ids, Boolean all) {}

    public record CountRequest(Map<String, Object> filter) {}

    static final int MAX_PAGE = 1000;

    private final CollectionRegistry collections;
    private final DocumentParser parser;
    private final BulkIngestJobs jobs;
    private final ObjectMapper json;

    public DocumentsController(CollectionRegistry collections, DocumentParser parser, BulkIngestJobs jobs,
                               ObjectMapper json) {
        this.collections = collections;
        this.parser = parser;
        this.jobs = jobs;
        this.json = json;
    }

    @PostMapping(path = {"/v1/documents", "/v1/collections/{collection}/documents"},
            consumes = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "201", description = "Indexed and durable; Location: the document")
    public ResponseEntity<Created> create(@PathVariable(required = false) String collection,
                                          @RequestBody NewDocument body) {
        return created(collection, collections.forRoute(collection).ingestor().ingest(body.toDocument()));
    }

    @PostMapping(path = {"/v1/documents", "/v1/collections/{collection}/documents"},
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ApiResponse(responseCode = "201", description = "Indexed and durable; Location: the document")
    public ResponseEntity<Created> upload(@PathVariable(required = false) String collection,
                                          @RequestPart("file") MultipartFile file,
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
        return created(collection, collections.forRoute(collection).ingestor().ingest(new Document(id, docTitle, parsed.text(), meta)));
    }

    private Map<String, Object> parseMetadata(String metadata) {
        try {
            return json.readValue(metadata, new TypeReference<Map<String, Object>>() {});
        } catch (JacksonException e) {
            throw new InvalidRequestException("metadata", "metadata must be a JSON object");
        }
    }

    private static ResponseEntity<Created> created(String collection, DocumentIngestor.Ingested result) {
        // Ids may hold characters a URI does not (%, |, quotes, non-ASCII): encode them.
        String base = collection == null ? "/v1/documents/" : "/v1/collections/" + collection + "/documents/";
        URI location = URI.create(base + UriUtils.encode(result.id(), StandardCharsets.UTF_8));
        return ResponseEntity.created(location)
                .body(new Created(result.id(), result.chunks()));
    }

    @GetMapping({"/v1/documents/{id}", "/v1/collections/{collection}/documents/{id}"})
    public DocumentView get(@PathVariable(required = false) String collection, @PathVariable String id) {
        return collections.forRoute(collection).index().get(id).map(DocumentView::of)
                .orElseThrow(() -> new DocumentNotFoundException(id));
    }

    @DeleteMapping({"/v1/documents/{id}", "/v1/collections/{collection}/documents/{id}"})
    @ApiResponse(responseCode = "204", description = "Deleted, durably")
    public ResponseEntity<Void> delete(@PathVariable(required = false) String collection, @PathVariable String id) {
        if (!collections.forRoute(collection).index().delete(id)) {
            throw new DocumentNotFoundException(id);
        }
        return ResponseEntity.noContent().build();
    }

    /** Documents in id order; {@code filter} is the filter language as JSON, {@code cursor} the last page's {@code next_cursor}. */
    @GetMapping({"/v1/documents", "/v1/collections/{collection}/documents"})
    public Page list(@PathVariable(required = false) String collection,
                     @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor,
                     @RequestParam(required = false) String filter) {
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > MAX_PAGE) {
            throw new InvalidRequestException("limit", "limit must be between 1 and " + MAX_PAGE);
        }
        DocumentPage page = collections.forRoute(collection).index().list(parseFilter(filter), n, decodeCursor(cursor));
        return new Page(page.documents().stream().map(DocumentView::of).toList(), encodeCursor(page.nextCursor()));
    }

    @PostMapping({"/v1/documents/count", "/v1/collections/{collection}/documents/count"})
    public Count count(@PathVariable(required = false) String collection, @RequestBody CountRequest body) {
        if (body == null) {
            throw new InvalidRequestException("body", "send a JSON object: {} counts every document, {\"filter\": ...} some");
        }
        return new Count(collections.forRoute(collection).index().count(Filter.parse(body.filter())));
    }

    /** Deletes by filter or by ids, durably before the answer; deleting everything takes {@code all: true}. */
    @PostMapping({"/v1/documents/delete", "/v1/collections/{collection}/documents/delete"})
    public Deleted deleteWhere(@PathVariable(required = false) String collection, @RequestBody DeleteRequest body) {
        if (body == null) {
            throw new InvalidRequestException("body", "send {\"filter\": ...}, {\"ids\": [...]} or {\"all\": true}");
        }
        DocumentIndex index = collections.forRoute(collection).index();
        boolean all = Boolean.TRUE.equals(body.all());
        int given = (body.filter() != null ? 1 : 0) + (body.ids() != null ? 1 : 0);
        if (given > 1 || (given == 1 && all)) {
            throw new InvalidRequestException(body.ids() != null ? "ids" : "filter",
                    "give one of filter, ids or all: true");
        }
        if (body.ids() != null) {
            if (body.ids().size() > MAX_PAGE) {
                throw new InvalidRequestException("ids", "at most " + MAX_PAGE + " ids per call");
            }
            long deleted = 0;
            for (int i = 0; i < body.ids().size(); i++) {
                String id = body.ids().get(i);
                if (id == null || id.isEmpty()) {
                    throw new InvalidRequestException("ids[" + i + "]", "ids are non-empty strings");
                }
            }
            for (String id : body.ids()) {
                deleted += index.delete(id) ? 1 : 0;
            }
            return new Deleted(deleted);
        }
        Filter filter = Filter.parse(body.filter());
        if (filter.matchesAll() && !all) {
            throw new InvalidRequestException("filter", "an empty filter selects every document: send \"all\": true"
                    + " to delete them all");
        }
        return new Deleted(index.delete(filter));
    }

    private Filter parseFilter(String filter) {
        if (filter == null || filter.isBlank()) {
            return Filter.ALL;
        }
        Object json;
        try {
            json = this.json.readValue(filter, Object.class);
        } catch (JacksonException e) {
            throw new InvalidRequestException("filter", "filter must be a JSON object (URL-encoded)");
        }
        return Filter.parse(json);
    }

    /** Cursors are opaque to clients: the last id, base64url, so ids with any characters travel in a query string. */
    private static String encodeCursor(String lastId) {
        return lastId == null ? null : Base64.getUrlEncoder().withoutPadding()
                .encodeToString(lastId.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("cursor", "cursor must be a next_cursor this service returned");
        }
    }

    /** NDJSON, one document per line; spooled to disk, answered with a job to poll. */
    @PostMapping(path = {"/v1/documents/bulk", "/v1/collections/{collection}/documents/bulk"})
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, description = "One document per line",
            content = @Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string",
                    example = "{\"id\":\"d1\",\"title\":\"Wings\",\"text\":\"A wing in a slipstream.\"}")))
    @ApiResponse(responseCode = "202", description = "Spooled; poll the job at Location: /v1/jobs/{id}")
    public ResponseEntity<JobStatus> bulk(@PathVariable(required = false) String collection,
                                          HttpServletRequest request) throws IOException {
        JobStatus job = jobs.submit(collections.forRoute(collection).name(), request.getInputStream());
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/v1/jobs/" + job.id())).body(job);
    }
}
