package dev.tessera.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tessera.client.Model.Context;
import dev.tessera.client.Model.ContextRequest;
import dev.tessera.client.Model.Document;
import dev.tessera.client.Model.Job;
import dev.tessera.client.Model.Page;
import dev.tessera.client.Model.Search;
import dev.tessera.client.Model.SearchResult;
import dev.tessera.client.Model.Stored;
import dev.tessera.client.Model.StoredDocument;
import java.io.ByteArrayOutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Documents, search and RAG context within one collection; get one from {@link TesseraClient#collection(String)}. */
public final class CollectionClient {

    private final TesseraClient client;
    private final String path;

    CollectionClient(TesseraClient client, String path) {
        this.client = client;
        this.path = path;
    }

    /** Stores a document (replacing one with the same id); durable when this returns. */
    public Stored add(Document document) {
        return client.call("POST", path + "/documents", TesseraClient.json(document), "application/json", Stored.class);
    }

    /** The document, or empty when the collection has none with this id. */
    public Optional<StoredDocument> get(String id) {
        try {
            return Optional.of(client.call("GET", path + "/documents/" + TesseraClient.segment(id), null, null,
                    StoredDocument.class));
        } catch (TesseraException e) {
            if (e.status() == 404 && e.field().isEmpty()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Deletes one document; false when there was none with this id. */
    public boolean delete(String id) {
        try {
            client.call("DELETE", path + "/documents/" + TesseraClient.segment(id), null, null, Void.class);
            return true;
        } catch (TesseraException e) {
            if (e.status() == 404 && e.field().isEmpty()) {
                return false;
            }
            throw e;
        }
    }

    /** Deletes these ids (at most 1,000 per call) and answers how many existed. */
    public long deleteIds(Collection<String> ids) {
        return deleted(Map.of("ids", List.copyOf(ids)));
    }

    /** Deletes every document the filter selects; an empty filter is refused (use {@link #deleteAll()}). */
    public long deleteWhere(Map<String, Object> filter) {
        return deleted(Map.of("filter", filter));
    }

    /** Deletes every document of the collection, and its metadata mapping. */
    public long deleteAll() {
        return deleted(Map.of("all", true));
    }

    private long deleted(Map<String, Object> body) {
        JsonNode r = client.call("POST", path + "/documents/delete", TesseraClient.json(body), "application/json",
                JsonNode.class);
        return r.get("deleted").asLong();
    }

    /** How many documents the filter selects (null: all). */
    public long count(Map<String, Object> filter) {
        Map<String, Object> body = filter == null ? Map.of() : Map.of("filter", filter);
        JsonNode r = client.call("POST", path + "/documents/count", TesseraClient.json(body), "application/json",
                JsonNode.class);
        return r.get("count").asLong();
    }

    /** One page of documents in id order; {@code cursor} null for the first page, then the page's {@code nextCursor}. */
    public Page list(int limit, String cursor, Map<String, Object> filter) {
        StringBuilder q = new StringBuilder(path).append("/documents?limit=").append(limit);
        if (cursor != null) {
            q.append("&cursor=").append(TesseraClient.query(cursor));
        }
        if (filter != null) {
            q.append("&filter=").append(TesseraClient.query(new String(TesseraClient.json(filter),
                    java.nio.charset.StandardCharsets.UTF_8)));
        }
        return client.call("GET", q.toString(), null, null, Page.class);
    }

    /**
     * Stores documents and returns once all are durable: one request for one document, one bulk job
     * (awaited up to {@code timeout}) for more. Throws when the job did not store every document.
     */
    public void addAll(List<Document> documents, java.time.Duration timeout) {
        if (documents.isEmpty()) {
            return;
        }
        if (documents.size() == 1) {
            add(documents.get(0));
            return;
        }
        Job job = client.awaitJob(bulk(documents).id(), timeout);
        if (!job.state().equals("done")) {
            throw new TesseraException(0, "Bulk add " + job.state(), job.message() + " " + job.errors(), null, null);
        }
    }

    /** Queues many documents as one bulk job (NDJSON); follow it with {@link TesseraClient#awaitJob}. */
    public Job bulk(List<Document> documents) {
        ByteArrayOutputStream ndjson = new ByteArrayOutputStream();
        for (Document d : documents) {
            ndjson.writeBytes(TesseraClient.json(d));
            ndjson.write('\n');
        }
        return client.call("POST", path + "/documents/bulk", ndjson.toByteArray(), "application/x-ndjson", Job.class);
    }

    public SearchResult search(Search search) {
        return client.call("POST", path + "/search", TesseraClient.json(search), "application/json", SearchResult.class);
    }

    /** Retrieval context for an LLM under a token budget. */
    public Context context(ContextRequest request) {
        return client.call("POST", path + "/rag/context", TesseraClient.json(request), "application/json", Context.class);
    }
}
