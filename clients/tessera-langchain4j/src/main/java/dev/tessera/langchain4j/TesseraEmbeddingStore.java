package dev.tessera.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.internal.ValidationUtils;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.tessera.client.CollectionClient;
import dev.tessera.client.Model;
import dev.tessera.client.Model.CollectionSpec;
import dev.tessera.client.Model.Document;
import dev.tessera.client.Model.Search;
import dev.tessera.client.TesseraClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A Tessera collection of client vectors as a LangChain4j {@link EmbeddingStore}: each embedding is one
 * document (its id the embedding id, the segment's text its text, the segment's metadata its typed
 * metadata), searched by vector with the filter translated to Tessera's language. Scores are
 * LangChain4j's relevance, {@code (cosine + 1) / 2}. The collection is created (cosine) when missing.
 */
public final class TesseraEmbeddingStore implements EmbeddingStore<TextSegment> {

    private static final int MAX_IDS_PER_DELETE = 1_000;

    private final TesseraClient client;
    private final CollectionClient collection;
    private final Duration bulkTimeout;

    private TesseraEmbeddingStore(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client");
        Objects.requireNonNull(b.collection, "collection");
        this.bulkTimeout = b.bulkTimeout;
        if (b.dimension != null) {
            client.createCollection(CollectionSpec.withClientVectors(b.collection, b.dimension, "cosine"));
        }
        this.collection = client.collection(b.collection);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private TesseraClient client;
        private String collection = "langchain4j";
        private Integer dimension;
        private Duration bulkTimeout = Duration.ofMinutes(10);

        public Builder client(TesseraClient client) {
            this.client = client;
            return this;
        }

        /** The collection that holds the embeddings (default {@code langchain4j}). */
        public Builder collection(String collection) {
            this.collection = collection;
            return this;
        }

        /** Creates the collection with this dimension when it does not exist yet (an existing one must match). */
        public Builder dimension(int dimension) {
            this.dimension = dimension;
            return this;
        }

        /** How long {@code addAll} waits for the bulk job that stores a batch. */
        public Builder bulkTimeout(Duration bulkTimeout) {
            this.bulkTimeout = bulkTimeout;
            return this;
        }

        public TesseraEmbeddingStore build() {
            return new TesseraEmbeddingStore(this);
        }
    }

    @Override
    public String add(Embedding embedding) {
        String id = UUID.randomUUID().toString();
        add(id, embedding);
        return id;
    }

    @Override
    public void add(String id, Embedding embedding) {
        addAll(List.of(id), List.of(embedding), null);
    }

    @Override
    public String add(Embedding embedding, TextSegment segment) {
        String id = UUID.randomUUID().toString();
        addAll(List.of(id), List.of(embedding), List.of(segment));
        return id;
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        List<String> ids = generateIds(embeddings.size());
        addAll(ids, embeddings, null);
        return ids;
    }

    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
        if (ids.size() != embeddings.size() || (segments != null && segments.size() != embeddings.size())) {
            throw new IllegalArgumentException("ids, embeddings and segments must have the same size");
        }
        List<Document> documents = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            TextSegment segment = segments == null ? null : segments.get(i);
            documents.add(new Document(ids.get(i), null, segment == null ? "" : segment.text(),
                    segment == null ? null : metadata(segment.metadata()), embeddings.get(i).vector()));
        }
        collection.addAll(documents, bulkTimeout);
    }

    @Override
    public void remove(String id) {
        ValidationUtils.ensureNotBlank(id, "id");
        collection.delete(id);
    }

    @Override
    public void removeAll(Collection<String> ids) {
        ValidationUtils.ensureNotEmpty(ids, "ids");
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += MAX_IDS_PER_DELETE) {
            collection.deleteIds(all.subList(from, Math.min(all.size(), from + MAX_IDS_PER_DELETE)));
        }
    }

    @Override
    public void removeAll(Filter filter) {
        ValidationUtils.ensureNotNull(filter, "filter");
        collection.deleteWhere(LangChainFilters.toTessera(filter));
    }

    @Override
    public void removeAll() {
        collection.deleteAll();
    }

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        Search search = Search.vector(request.queryEmbedding().vector()).withMode("vector")
                .withK(request.maxResults()).withInclude(List.of("text", "metadata", "vector"));
        if (request.minScore() > 0) {
            // Relevance r = (cos + 1) / 2, so cos = 2r - 1: exact in double for a float cosine.
            search = search.withMinScore((float) (2 * request.minScore() - 1));
        }
        if (request.filter() != null) {
            search = search.withFilter(LangChainFilters.toTessera(request.filter()));
        }
        List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>();
        for (Model.Hit hit : collection.search(search).hits()) {
            TextSegment segment = hit.text() == null || hit.text().isEmpty() ? null
                    : TextSegment.from(hit.text(), fromTessera(hit.metadata()));
            matches.add(new EmbeddingMatch<>(RelevanceScore.fromCosineSimilarity(hit.score()), hit.docId(),
                    hit.vector() == null ? null : Embedding.from(hit.vector()), segment));
        }
        return new EmbeddingSearchResult<>(matches);
    }

    /** LangChain4j metadata as Tessera stores it (UUIDs as strings, floats as doubles). */
    static Map<String, Object> metadata(Metadata metadata) {
        if (metadata == null || metadata.toMap().isEmpty()) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        metadata.toMap().forEach((k, v) -> out.put(k, LangChainFilters.value(v)));
        return out;
    }

    /**
     * Tessera's typed metadata as LangChain4j's, which holds strings, UUIDs and numbers: booleans and
     * arrays (which other clients may have stored) are left out.
     */
    static Metadata fromTessera(Map<String, Object> metadata) {
        Metadata out = new Metadata();
        if (metadata != null) {
            metadata.forEach((k, v) -> {
                if (v instanceof String s) {
                    out.put(k, s);
                } else if (v instanceof Integer n) {
                    out.put(k, n);
                } else if (v instanceof Long n) {
                    out.put(k, n);
                } else if (v instanceof Number n) {
                    out.put(k, n.doubleValue());
                }
            });
        }
        return out;
    }
}
