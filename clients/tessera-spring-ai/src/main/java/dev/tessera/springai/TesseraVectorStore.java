package dev.tessera.springai;

import dev.tessera.client.CollectionClient;
import dev.tessera.client.Model;
import dev.tessera.client.Model.CollectionSpec;
import dev.tessera.client.Model.Search;
import dev.tessera.client.TesseraClient;
import dev.tessera.client.TesseraException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.filter.Filter;

/**
 * A Tessera collection as a Spring AI {@link VectorStore}. Tessera embeds the documents' text itself
 * (the collection's model; it is created with {@code model} when missing), so no EmbeddingModel runs
 * in the application. A search returns the best chunk of each document, with its cosine similarity
 * as the score (and {@code distance = 1 − score} in the metadata, as Spring AI's stores report it);
 * {@code similarityThreshold} is that cosine. Filters take Spring AI's expressions, parsed or built.
 */
public final class TesseraVectorStore implements VectorStore {

    private static final int MAX_IDS_PER_DELETE = 1_000;

    private final TesseraClient client;
    private final CollectionClient collection;
    private final String name;
    private final Duration bulkTimeout;

    /**
     * @param model the collection's embedding model when it has to be created (null: the service's search model)
     */
    public TesseraVectorStore(TesseraClient client, String collection, String model, Duration bulkTimeout) {
        this.client = client;
        this.name = collection;
        this.bulkTimeout = bulkTimeout;
        ensureCollection(client, collection, model);
        this.collection = client.collection(collection);
    }

    public TesseraVectorStore(TesseraClient client, String collection) {
        this(client, collection, null, Duration.ofMinutes(10));
    }

    private static void ensureCollection(TesseraClient client, String collection, String model) {
        try {
            client.collectionInfo(collection);
        } catch (TesseraException e) {
            if (e.status() != 404) {
                throw e;
            }
            String chosen = model != null ? model : client.collectionInfo("default").model();
            client.createCollection(CollectionSpec.withModel(collection, chosen));
        }
    }

    @Override
    public String getName() {
        return "TesseraVectorStore(" + name + ")";
    }

    @Override
    public void add(List<Document> documents) {
        List<Model.Document> batch = new ArrayList<>(documents.size());
        for (Document d : documents) {
            if (d.getText() == null || d.getText().isBlank()) {
                throw new IllegalArgumentException("document " + d.getId() + " has no text: Tessera embeds text (media documents are not stored)");
            }
            batch.add(new Model.Document(d.getId(), null, d.getText(), metadata(d.getMetadata()), null));
        }
        collection.addAll(batch, bulkTimeout);
    }

    @Override
    public void delete(List<String> ids) {
        for (int from = 0; from < ids.size(); from += MAX_IDS_PER_DELETE) {
            collection.deleteIds(ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_DELETE)));
        }
    }

    @Override
    public void delete(Filter.Expression filterExpression) {
        collection.deleteWhere(SpringAiFilters.toTessera(filterExpression));
    }

    @Override
    public List<Document> similaritySearch(SearchRequest request) {
        int k = request.getTopK();
        // Hits are chunks: ask for more than k so that k documents remain after keeping each one's best chunk.
        Search search = Search.query(request.getQuery()).withMode("vector").withK(Math.min(1_000, k * 4))
                .withInclude(List.of("text", "metadata")).withHighlight(false);
        if (request.getSimilarityThreshold() > 0) {
            search = search.withMinScore((float) request.getSimilarityThreshold());
        }
        if (request.hasFilterExpression()) {
            search = search.withFilter(SpringAiFilters.toTessera(request.getFilterExpression()));
        }
        List<Document> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Model.Hit hit : collection.search(search).hits()) {
            if (out.size() == k) {
                break;
            }
            if (!seen.add(hit.docId())) {
                continue;
            }
            Map<String, Object> metadata = new LinkedHashMap<>(hit.metadata() == null ? Map.of() : hit.metadata());
            metadata.put("distance", 1.0 - hit.score());
            out.add(Document.builder().id(hit.docId()).text(hit.text()).metadata(metadata).score((double) hit.score()).build());
        }
        return out;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> getNativeClient() {
        return Optional.of((T) client);
    }

    /** Spring AI metadata as Tessera stores it: strings, numbers, booleans and lists of one; other values as their text. */
    private static Map<String, Object> metadata(Map<String, Object> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        metadata.forEach((k, v) -> {
            if (v instanceof Float f) {
                out.put(k, f.doubleValue());
            } else if (v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof List<?>) {
                out.put(k, v);
            } else if (v != null) {
                out.put(k, v.toString());
            }
        });
        return out;
    }
}
