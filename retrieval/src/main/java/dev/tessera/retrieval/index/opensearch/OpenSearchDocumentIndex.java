package dev.tessera.retrieval.index.opensearch;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.chunk.Chunk;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.document.Metadata;
import dev.tessera.retrieval.document.MetadataMapping;
import dev.tessera.retrieval.document.MetadataType;
import dev.tessera.retrieval.filter.FilterTypes;
import dev.tessera.retrieval.index.DocumentPage;
import dev.tessera.retrieval.index.VectorSimilarity;
import dev.tessera.retrieval.index.Bm25Bound;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.DocumentLocks;
import dev.tessera.retrieval.index.IndexStats;
import dev.tessera.retrieval.index.IndexUnavailableException;
import dev.tessera.retrieval.index.VectorQuantization;
import dev.tessera.retrieval.index.IndexWriteException;
import dev.tessera.retrieval.index.IndexedDocument;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.index.SpanVectors;
import dev.tessera.retrieval.index.StoredDocument;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.HealthStatus;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.SearchType;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.Time;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.MsearchResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.msearch.MultiSearchResponseItem;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.core.search.HitsMetadata;
import org.opensearch.client.opensearch.core.search.SourceConfig;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scale-out backend: chunks, their text and vectors in one OpenSearch index, searched by the
 * cluster; embeddings are still computed by Tessera. Layout (mapping in {@code index.json}, format
 * {@value #FORMAT_VERSION} in its {@code _meta}): a parent record per document ({@code _id} = the
 * document id) and one record per chunk ({@code _id} = {@code id#ordinal}), all routed by the
 * document id so a document lives on one shard. BM25 runs on {@code content} (title + chunk, English
 * analysis, as the embedded index) with global term statistics ({@code dfs_query_then_fetch}), so
 * rankings do not depend on how documents fall into shards; vectors are {@code knn_vector} on the
 * Lucene HNSW engine, named explicitly (faiss, the default, needs a native library), compared by the
 * collection's similarity. Typed metadata sits on every record, parent and chunk, in the fields
 * {@link OpenSearchFilters} describes, so a filter selects chunks inside the vector search and
 * documents for listing, counting and delete with one translation. The metadata mapping is the
 * index's own field mapping: read back at open, and cleared by deleting every document, which
 * recreates the index. Format 1 (metadata as {@code key=value} keywords) is upgraded in place at
 * open: the typed fields are added to each record from its stored metadata, nothing is re-embedded.
 *
 * <p>Writes use {@code refresh=wait_for}: like the embedded index, a write that returns is both
 * acknowledged (in the translog of every in-sync copy) and visible to searches. A document's chunks
 * and its parent go in one bulk request, parent last, so a document is readable only once whole.
 */
public final class OpenSearchDocumentIndex implements DocumentIndex {

    public static final int FORMAT_VERSION = 2;
    /** Candidates the HNSW search explores per shard before keeping the best k (the embedded index uses 100 too). */
    static final int VECTOR_CANDIDATES = 100;

    private static final Logger log = LoggerFactory.getLogger(OpenSearchDocumentIndex.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KIND_DOC = "doc";
    private static final String KIND_CHUNK = "chunk";
    private static final List<String> HIT_FIELDS = List.of("doc_id", "chunk_id", "ordinal", "title", "text", "start", "end",
            "metadata_json");
    /** Parents rewritten per bulk request by the format-1 upgrade. */
    private static final int UPGRADE_BATCH = 200;

    private final OpenSearchClient client;
    private final OpenSearchSettings settings;
    private final String index;
    private final String model;
    private final int dimension;
    private final String collection;
    private final VectorSimilarity similarity;
    private final VectorQuantization quantization;
    private final double oversample;
    private final MetadataMapping mapping = new MetadataMapping();
    /** Writes share it; deleting every document (which recreates the index) holds it alone. */
    private final ReadWriteLock recreation = new ReentrantReadWriteLock();
    private final String luceneVersion;
    private final ExecutorService bulkPool;
    private final DocumentLocks documentLocks = new DocumentLocks();

    private OpenSearchDocumentIndex(OpenSearchClient client, OpenSearchSettings settings, String collection,
                                    String model, int dimension, VectorSimilarity similarity,
                                    VectorQuantization quantization, double oversample) throws IOException {
        this.quantization = quantization;
        this.oversample = oversample;
        this.client = client;
        this.settings = settings;
        this.collection = collection;
        this.index = settings.index();
        this.model = model;
        this.dimension = dimension;
        this.similarity = similarity;
        this.luceneVersion = client.info().version().luceneVersion();
        openOrCreate();
        this.bulkPool = Executors.newFixedThreadPool(settings.bulkConcurrency(),
                Thread.ofPlatform().daemon().name("opensearch-bulk-", 0).factory());
    }

    /**
     * Connects, then opens the index or creates it. Fails loudly when the cluster cannot be reached,
     * or when the index holds vectors of another model, dimension or similarity, or another format;
     * a format-1 index is upgraded in place.
     */
    public static OpenSearchDocumentIndex open(OpenSearchSettings settings, String model, int dimension,
                                               VectorSimilarity similarity) {
        return open(settings, "", model, dimension, similarity);
    }

    /**
     * @param collection the collection the index serves, recorded in a new index's {@code _meta} so
     *                   other instances on the cluster find it ({@link #describe})
     */
    public static OpenSearchDocumentIndex open(OpenSearchSettings settings, String collection, String model,
                                               int dimension, VectorSimilarity similarity) {
        return open(settings, collection, model, dimension, similarity, VectorQuantization.NONE, 1.0);
    }

    /**
     * @param quantization how the k-NN field's HNSW graph holds vectors: none, or int8 as the Lucene
     *                     engine's scalar quantiser ({@code sq}, 7 bits), searched with the k-NN plugin's
     *                     rescoring on the float vectors; int4 and binary are refused (400)
     * @param oversample   the rescoring's oversample factor
     */
    public static OpenSearchDocumentIndex open(OpenSearchSettings settings, String collection, String model,
                                               int dimension, VectorSimilarity similarity,
                                               VectorQuantization quantization, double oversample) {
        if (quantization == VectorQuantization.INT4 || quantization == VectorQuantization.BINARY) {
            // OpenSearch 3.5's Lucene engine refuses sq bits other than 7 (the mapping fails to parse); faiss's
            // binary encoder scores on another scale, and Tessera keeps one scoring path per backend.
            throw new dev.tessera.retrieval.InvalidRequestException("quantization", "the OpenSearch backend quantizes"
                    + " vectors as int8 only (the Lucene engine's 7-bit sq encoder); " + quantization.jsonName()
                    + " is served by the embedded backend");
        }
        OpenSearchClient client = OpenSearchClients.create(settings);
        try {
            return new OpenSearchDocumentIndex(client, settings, collection, model, dimension, similarity, quantization,
                    oversample);
        } catch (IOException | OpenSearchException e) {
            OpenSearchClients.close(client);
            throw new IllegalStateException("cannot open OpenSearch index '" + settings.index() + "' at "
                    + settings.hosts() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            OpenSearchClients.close(client);
            throw e;
        }
    }

    /** A cosine index, as the default collection's is. */
    public static OpenSearchDocumentIndex open(OpenSearchSettings settings, String model, int dimension) {
        return open(settings, model, dimension, VectorSimilarity.COSINE);
    }

    /** Deletes a collection's index from the cluster (dropping the collection); a missing index is fine. */
    public static void drop(OpenSearchSettings settings) {
        OpenSearchClient client = OpenSearchClients.create(settings);
        try {
            if (client.indices().exists(e -> e.index(settings.index())).value()) {
                client.indices().delete(d -> d.index(settings.index()));
            }
        } catch (IOException | OpenSearchException e) {
            throw new IndexUnavailableException("cannot delete OpenSearch index " + settings.index() + ": "
                    + e.getMessage(), e);
        } finally {
            OpenSearchClients.close(client);
        }
    }

    /** What a Tessera index on the cluster holds, read from its {@code _meta}. */
    public record Description(String index, String collection, String model, int dimension, VectorSimilarity similarity,
                              VectorQuantization quantization, double oversample) {}

    /**
     * The Tessera indexes (any format) whose names match {@code pattern} (a wildcard expression,
     * {@code tessera-*}): how an instance finds the collections another instance created.
     */
    public static List<Description> describe(OpenSearchSettings settings, String pattern) {
        OpenSearchClient client = OpenSearchClients.create(settings);
        try {
            List<Description> out = new ArrayList<>();
            var mappings = client.indices().getMapping(m -> m.index(pattern).allowNoIndices(true)
                    .ignoreUnavailable(true)).result();
            mappings.forEach((name, record) -> {
                Map<String, JsonData> meta = record.mappings().meta();
                if (meta == null || !meta.containsKey("tessera_format") || !meta.containsKey("embedding_model")) {
                    return; // not Tessera's
                }
                String collection = meta.containsKey("collection") ? meta.get("collection").to(String.class) : "";
                out.add(new Description(name, collection, meta.get("embedding_model").to(String.class),
                        meta.get("embedding_dimension").to(Integer.class), meta.containsKey("similarity")
                        ? VectorSimilarity.parse(meta.get("similarity").to(String.class)) : VectorSimilarity.COSINE,
                        quantizationOf(meta), meta.containsKey("oversample") ? meta.get("oversample").to(Double.class) : 1.0));
            });
            out.sort(Comparator.comparing(Description::index));
            return out;
        } catch (IOException | OpenSearchException e) {
            throw new IndexUnavailableException("cannot list the OpenSearch indexes " + pattern + ": " + e.getMessage(), e);
        } finally {
            OpenSearchClients.close(client);
        }
    }

    private void openOrCreate() throws IOException {
        if (!client.indices().exists(e -> e.index(index)).value()) {
            // The mapping is a JSON file operators can read (and apply themselves), so it goes as written.
            try (Response created = client.generic().execute(Requests.builder().method("PUT").endpoint("/" + index)
                    .json(mapping()).build())) {
                String body = created.getBody().map(b -> b.bodyAsString()).orElse("");
                if (created.getStatus() == 200) {
                    log.info("created OpenSearch index {} ({} shards, {} replicas, {}-d vectors of {})", index,
                            settings.shards(), settings.replicas(), dimension, model);
                } else if (!body.contains("resource_already_exists_exception")) { // another Tessera was first: fine
                    throw new IllegalStateException("creating OpenSearch index " + index + " failed: "
                            + created.getStatus() + " " + body);
                }
            }
        }
        var mappings = client.indices().getMapping(m -> m.index(index)).result().get(index).mappings();
        Map<String, JsonData> meta = mappings.meta() == null ? Map.of() : mappings.meta();
        if (checkCompatible(meta) == 1) {
            upgradeFromFormat1();
        } else {
            readMetadataMapping(mappings.properties());
        }
        if (!mappings.properties().containsKey("spans")) {
            // Indexes made before 0.2 have no field for span vectors, and the mapping is strict.
            putMapping(Map.of("properties", Map.of("spans", Map.of("type", "binary"))));
        }
        // Green before the first write: an acknowledgement only promises as many copies as are in sync,
        // so writing while replicas still recover could lose acknowledged documents with their primary.
        // A single-node cluster with replicas is never green; there yellow is the best there is.
        var health = client.cluster().health(h -> h.index(index).waitForStatus(HealthStatus.Green)
                .timeout(Time.of(t -> t.time(settings.requestTimeout().toSeconds() + "s"))));
        if (health.status() != HealthStatus.Green) {
            log.warn("OpenSearch index {} is {} (not every replica is assigned): writes are acknowledged with fewer"
                    + " copies than configured ({} replicas)", index, health.status(), settings.replicas());
        }
    }

    private String mapping() throws IOException {
        try (InputStream in = OpenSearchDocumentIndex.class.getResourceAsStream("index.json")) {
            String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return template.replace("{{shards}}", Integer.toString(settings.shards()))
                    .replace("{{replicas}}", Integer.toString(settings.replicas()))
                    .replace("{{format}}", Integer.toString(FORMAT_VERSION))
                    .replace("{{model}}", model.replace("\\", "\\\\").replace("\"", "\\\""))
                    .replace("{{dimension}}", Integer.toString(dimension))
                    .replace("{{similarity}}", similarity.jsonName())
                    .replace("{{collection}}", collection)
                    .replace("{{space_type}}", spaceType())
                    .replace("{{quantization}}", quantization.jsonName())
                    .replace("{{oversample}}", Double.toString(oversample))
                    .replace("{{encoder}}", quantization == VectorQuantization.NONE ? ""
                            : ", \"encoder\": { \"name\": \"sq\", \"parameters\": { \"bits\": " + quantization.bits() + " } }");
        }
    }

    /** The quantization an index's {@code _meta} records; none for indexes made before 0.2. */
    private static VectorQuantization quantizationOf(Map<String, JsonData> meta) {
        return meta.containsKey("quantization") ? VectorQuantization.parse(meta.get("quantization").to(String.class))
                : VectorQuantization.NONE;
    }

    /** OpenSearch's name for the similarity; its lucene engine scores as Lucene does ({@link VectorSimilarity#fromLuceneScore}). */
    private String spaceType() {
        return switch (similarity) {
            case COSINE -> "cosinesimil";
            case DOT -> "innerproduct";
            case EUCLIDEAN -> "l2";
        };
    }

    /** @return the index's format (1 or 2), once its model, dimension and similarity are the configured ones */
    private int checkCompatible(Map<String, JsonData> meta) {
        String format = meta.containsKey("tessera_format") ? meta.get("tessera_format").toJson().toString() : "?";
        if (!format.equals("1") && !format.equals(String.valueOf(FORMAT_VERSION))) {
            throw new IllegalStateException("OpenSearch index " + index + " has Tessera format " + format
                    + "; this version reads formats 1 and " + FORMAT_VERSION + " (is it an index of another application?)");
        }
        String storedModel = meta.get("embedding_model").to(String.class);
        int storedDim = meta.get("embedding_dimension").to(Integer.class);
        if (!model.equals(storedModel) || storedDim != dimension) {
            throw new IllegalStateException("OpenSearch index " + index + " holds vectors of model " + storedModel
                    + " (" + storedDim + "-d) but the configured model is " + model + " (" + dimension
                    + "-d); use another index name or the same model");
        }
        VectorQuantization storedQuantization = quantizationOf(meta);
        if (storedQuantization != quantization) {
            throw new IllegalStateException("OpenSearch index " + index + " holds vectors quantized as "
                    + storedQuantization.jsonName() + ", not " + quantization.jsonName());
        }
        String storedSimilarity = meta.containsKey("similarity") ? meta.get("similarity").to(String.class) : "cosine";
        if (!storedSimilarity.equals(similarity.jsonName())) {
            throw new IllegalStateException("OpenSearch index " + index + " compares vectors by " + storedSimilarity
                    + ", not " + similarity.jsonName());
        }
        return Integer.parseInt(format);
    }

    /** The metadata mapping is the index's: the children of each type's object are the keys of that type. */
    private void readMetadataMapping(Map<String, org.opensearch.client.opensearch._types.mapping.Property> properties) {
        Map<String, MetadataType> types = new java.util.TreeMap<>();
        for (MetadataType type : MetadataType.values()) {
            var object = properties.get(OpenSearchFilters.OBJECTS.get(type));
            if (object == null || !object.isObject()) {
                continue;
            }
            for (String field : object.object().properties().keySet()) {
                MetadataType other = types.putIfAbsent(OpenSearchFilters.decode(field), type);
                if (other != null) { // two writers raced on a new key's first use: the first type found wins
                    log.warn("metadata key {} has {} and {} fields in OpenSearch index {}; filters use {}",
                            OpenSearchFilters.decode(field), other.jsonName(), type.jsonName(), index, other.jsonName());
                }
            }
        }
        mapping.reset(types);
    }

    /**
     * Format 1 kept metadata as {@code key=value} keywords: adds the typed fields (and the dynamic
     * templates that map them) to the mapping, then gives each document and its chunks the typed
     * fields of their stored metadata. Values whose type conflicts with the key's first use stay
     * stored but cannot be filtered on, as in the embedded index's upgrade.
     */
    private void upgradeFromFormat1() throws IOException {
        log.info("upgrading OpenSearch index {} from Tessera format 1 to {}: typed metadata fields", index, FORMAT_VERSION);
        String template = mapping();
        Map<String, Object> full = JSON.readValue(template, new TypeReference<>() {});
        @SuppressWarnings("unchecked")
        Map<String, Object> mappings = (Map<String, Object>) full.get("mappings");
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) mappings.get("properties");
        Map<String, Object> added = new LinkedHashMap<>();
        added.put("dynamic_templates", mappings.get("dynamic_templates"));
        Map<String, Object> newFields = new LinkedHashMap<>();
        for (String f : List.of(OpenSearchFilters.KEYS, "md_s", "md_l", "md_d", "md_b")) {
            newFields.put(f, properties.get(f));
        }
        added.put("properties", newFields);
        putMapping(added);
        String after = null;
        long upgraded = 0;
        while (true) {
            String from = after;
            var page = call(() -> client.search(s -> {
                s.index(index).size(UPGRADE_BATCH).source(c -> c.filter(f -> f.includes("doc_id", "metadata_json",
                        "chunk_count"))).query(q -> q.term(t -> t.field("kind").value(FieldValue.of(KIND_DOC))))
                        .sort(o -> o.field(f -> f.field("doc_id").order(SortOrder.Asc)));
                if (from != null) {
                    s.searchAfter(List.of(FieldValue.of(from)));
                }
                return s;
            }, Map.class));
            List<Hit<Map>> hits = page.hits().hits();
            if (hits.isEmpty()) {
                break;
            }
            List<DocOps> ops = new ArrayList<>(hits.size());
            for (Hit<Map> hit : hits) {
                Map<?, ?> source = hit.source();
                String id = (String) source.get("doc_id");
                Map<String, Object> stored = JSON.readValue((String) source.get("metadata_json"), new TypeReference<>() {});
                Map<String, Object> typed = mapping.admitTypable(stored, (key, conflict) ->
                        log.warn("document {}: metadata key {} is not upgraded for filtering: {}", id, key,
                                conflict.getMessage()));
                Map<String, Object> fields = new LinkedHashMap<>(OpenSearchFilters.sourceFields(typed));
                fields.put("metadata_json", source.get("metadata_json")); // format 1 kept it on parents only
                int chunks = source.get("chunk_count") instanceof Number n ? n.intValue() : 0;
                List<BulkOperation> updates = new ArrayList<>(chunks + 1);
                for (int i = 0; i < chunks; i++) {
                    String chunk = chunkId(id, i);
                    updates.add(BulkOperation.of(b -> b.update(u -> u.index(index).id(chunk).routing(id)
                            .document(fields))));
                }
                updates.add(BulkOperation.of(b -> b.update(u -> u.index(index).id(id).routing(id).document(fields))));
                ops.add(new DocOps(id, updates));
                after = id;
            }
            Map<String, String> failed;
            try {
                failed = writeWithRetries(ops);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while upgrading OpenSearch index " + index, e);
            }
            if (!failed.isEmpty()) {
                throw new IllegalStateException("upgrading OpenSearch index " + index + " failed for " + failed);
            }
            upgraded += hits.size();
        }
        // Last: an upgrade cut short runs again at the next start (the updates are idempotent).
        putMapping(Map.of("_meta", Map.of("tessera_format", FORMAT_VERSION, "embedding_model", model,
                "embedding_dimension", dimension, "similarity", similarity.jsonName(), "collection", collection)));
        log.info("upgraded OpenSearch index {}: {} documents", index, upgraded);
    }

    private void putMapping(Map<String, Object> body) throws IOException {
        try (Response r = client.generic().execute(Requests.builder().method("PUT").endpoint("/" + index + "/_mapping")
                .json(JSON.writeValueAsString(body)).build())) {
            if (r.getStatus() != 200) {
                throw new IllegalStateException("updating the mapping of OpenSearch index " + index + " failed: "
                        + r.getStatus() + " " + r.getBody().map(b -> b.bodyAsString()).orElse(""));
            }
        }
    }

    // ---- writes -------------------------------------------------------------------------------

    /** One document's bulk operations, so a retry resends the whole document. */
    private record DocOps(String id, List<BulkOperation> ops) {}

    @Override
    public void upsert(List<IndexedDocument> documents) {
        if (documents.isEmpty()) {
            return;
        }
        documents.forEach(d -> d.requireDimension(dimension));
        Map<IndexedDocument, Map<String, Object>> typed = new java.util.IdentityHashMap<>();
        for (IndexedDocument doc : documents) {
            typed.put(doc, mapping.admit(Metadata.normalize(doc.document().metadata())));
        }
        recreation.readLock().lock();
        try (DocumentLocks.Held held = documentLocks.lock(documents.stream().map(d -> d.document().id()).toList())) {
            Map<String, Integer> previous = chunkCounts(documents.stream().map(d -> d.document().id()).toList());
            List<DocOps> all = new ArrayList<>(documents.size());
            // An id twice in one batch ends as its last version, as sequential writes would leave it; sending
            // only that one keeps concurrent bulk requests from racing on the id.
            Map<String, IndexedDocument> last = new LinkedHashMap<>();
            for (IndexedDocument doc : documents) {
                last.remove(doc.document().id());
                last.put(doc.document().id(), doc);
            }
            for (IndexedDocument doc : last.values()) {
                all.add(operations(doc, typed.get(doc), previous.getOrDefault(doc.document().id(), 0)));
            }
            Map<String, String> failed = writeAll(all);
            if (!failed.isEmpty()) {
                throw new IndexWriteException(failed);
            }
        } finally {
            recreation.readLock().unlock();
        }
    }


    /** How many chunks each existing document has now, so a shorter replacement deletes the rest. */
    private Map<String, Integer> chunkCounts(List<String> ids) {
        Map<String, Integer> counts = new HashMap<>();
        var response = call(() -> client.mget(m -> {
            m.index(index).sourceIncludes("chunk_count");
            ids.stream().distinct().forEach(id -> m.docs(d -> d.id(id).routing(id)));
            return m;
        }, Map.class));
        for (var item : response.docs()) {
            if (item.isResult() && item.result().found() && item.result().source() != null) {
                Object n = item.result().source().get("chunk_count");
                counts.put(item.result().id(), n instanceof Number num ? num.intValue() : 0);
            }
        }
        return counts;
    }

    private DocOps operations(IndexedDocument indexed, Map<String, Object> metadata, int previousChunks) {
        Document doc = indexed.document();
        String id = doc.id();
        Map<String, Object> filterFields = OpenSearchFilters.sourceFields(metadata);
        String metadataJson = JSON.writeValueAsString(metadata); // on chunks too: hits carry it
        List<BulkOperation> ops = new ArrayList<>(indexed.chunks().size() + 2);
        for (int i = 0; i < indexed.chunks().size(); i++) {
            Chunk chunk = indexed.chunks().get(i);
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("kind", KIND_CHUNK);
            source.put("doc_id", id);
            source.put("chunk_id", chunkId(id, i));
            source.put("ordinal", i);
            source.put("start", chunk.start());
            source.put("end", chunk.end());
            source.put("tokens", chunk.tokens());
            source.put("title", doc.title());
            source.put("text", chunk.text());
            // As the embedded index: BM25 over title + text (the title twice when the text repeats it).
            source.put("content", doc.title().isEmpty() ? chunk.text() : doc.title() + "\n" + chunk.text());
            source.put("metadata_json", metadataJson);
            source.putAll(filterFields);
            source.put("vector", similarity.prepare(indexed.vectors().get(i)));
            SpanVectors spans = indexed.spansOf(i);
            if (spans != null) {
                source.put("spans", java.util.Base64.getEncoder().encodeToString(spans.encode()));
            }
            String chunkId = chunkId(id, i);
            ops.add(BulkOperation.of(b -> b.index(x -> x.index(index).id(chunkId).routing(id).document(source))));
        }
        for (int i = indexed.chunks().size(); i < previousChunks; i++) {
            String stale = chunkId(id, i);
            ops.add(BulkOperation.of(b -> b.delete(x -> x.index(index).id(stale).routing(id))));
        }
        Map<String, Object> parent = new LinkedHashMap<>();
        parent.put("kind", KIND_DOC);
        parent.put("doc_id", id);
        parent.put("title", doc.title());
        parent.put("doc_text", doc.text());
        parent.put("metadata_json", metadataJson);
        parent.putAll(filterFields);
        parent.put("chunk_count", indexed.chunks().size());
        ops.add(BulkOperation.of(b -> b.index(x -> x.index(index).id(id).routing(id).document(parent))));
        return new DocOps(id, ops);
    }

    static String chunkId(String docId, int ordinal) {
        return docId + "#" + ordinal;
    }

    /**
     * Sends the documents in bulk requests of {@code bulkDocuments} each, at most
     * {@code bulkConcurrency} in flight. Returns the documents that failed, with why.
     */
    private Map<String, String> writeAll(List<DocOps> docs) {
        List<Future<Map<String, String>>> futures = new ArrayList<>();
        for (int from = 0; from < docs.size(); from += settings.bulkDocuments()) {
            List<DocOps> group = docs.subList(from, Math.min(docs.size(), from + settings.bulkDocuments()));
            futures.add(bulkPool.submit(() -> writeWithRetries(group)));
        }
        Map<String, String> failed = new LinkedHashMap<>();
        long deadline = System.nanoTime() + worstCaseNanos(futures.size());
        for (Future<Map<String, String>> f : futures) {
            try {
                failed.putAll(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                throw new IndexUnavailableException("OpenSearch bulk write failed: " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                futures.forEach(x -> x.cancel(true));
                throw new IndexUnavailableException("OpenSearch bulk write timed out", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(x -> x.cancel(true));
                throw new IndexUnavailableException("interrupted while writing to OpenSearch", e);
            }
        }
        return failed;
    }

    /** An upper bound for a whole write: every request timing out on every retry, with every backoff. */
    private long worstCaseNanos(int requests) {
        long perTry = settings.requestTimeout().toNanos() + settings.connectTimeout().toNanos();
        long backoff = settings.retryBackoff().toNanos() * ((1L << Math.min(20, settings.retries() + 1)) - 1);
        long waves = (requests + settings.bulkConcurrency() - 1) / settings.bulkConcurrency();
        return waves * ((settings.retries() + 1) * perTry + backoff) + TimeUnit.SECONDS.toNanos(5);
    }

    /**
     * One group's bulk request, resent for the documents the cluster pushed back (429, 503, or no
     * answer) with doubling backoff; any other item error fails its document at once.
     */
    private Map<String, String> writeWithRetries(List<DocOps> group) throws InterruptedException {
        Map<String, String> failed = new LinkedHashMap<>();
        List<DocOps> pending = group;
        long backoff = settings.retryBackoff().toMillis();
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            boolean last = attempt == settings.retries();
            List<DocOps> retry = new ArrayList<>();
            try {
                List<BulkOperation> ops = pending.stream().flatMap(d -> d.ops().stream()).toList();
                BulkResponse response = client.bulk(b -> b.operations(ops).refresh(Refresh.WaitFor)
                        .timeout(Time.of(t -> t.time(settings.requestTimeout().toMillis() + "ms"))));
                int item = 0;
                for (DocOps doc : pending) {
                    String error = null;
                    boolean retriable = false;
                    for (int i = 0; i < doc.ops().size(); i++, item++) {
                        BulkResponseItem r = response.items().get(item);
                        if (r.error() != null && error == null) {
                            error = r.status() + " " + r.error().type() + ": " + r.error().reason();
                            retriable = r.status() == 429 || r.status() == 503;
                        }
                    }
                    if (error == null) {
                        continue;
                    }
                    if (retriable && !last) {
                        retry.add(doc);
                    } else {
                        failed.put(doc.id(), error);
                    }
                }
            } catch (OpenSearchException e) {
                if (!retriable(e.status()) || last) {
                    pending.forEach(d -> failed.put(d.id(), e.status() + " " + e.getMessage()));
                } else {
                    retry.addAll(pending);
                }
            } catch (IOException | RuntimeException e) {
                // No answer, or one the client could not read (a shard failure reported without the fields its
                // model requires, seen while a node dies): the request may or may not have been applied, and
                // resending is safe (same ids).
                if (last) {
                    pending.forEach(d -> failed.put(d.id(), "no answer from OpenSearch: " + e.getMessage()));
                } else {
                    retry.addAll(pending);
                }
            }
            pending = retry;
            if (!pending.isEmpty()) {
                log.debug("retrying {} document(s) in {} ms", pending.size(), backoff);
                Thread.sleep(backoff);
                backoff *= 2;
            }
        }
        return failed;
    }

    private static boolean retriable(int status) {
        return status == 429 || status == 503 || status == 502 || status == 504;
    }

    @Override
    public boolean delete(String documentId) {
        recreation.readLock().lock();
        try (DocumentLocks.Held held = documentLocks.lock(List.of(documentId))) {
            boolean existed = call(() -> client.get(g -> g.index(index).id(documentId).routing(documentId)
                    .sourceIncludes("chunk_count"), Map.class)).found();
            // By query, so chunks of an earlier interrupted write go too.
            var response = call(() -> client.deleteByQuery(d -> d.index(index).routing(documentId)
                    .query(q -> q.term(t -> t.field("doc_id").value(FieldValue.of(documentId))))
                    .refresh(Refresh.True).timeout(Time.of(t -> t.time(settings.requestTimeout().toMillis() + "ms")))));
            if (!response.failures().isEmpty()) {
                throw new IndexWriteException(Map.of(documentId, response.failures().getFirst().cause().reason()));
            }
            return existed;
        } finally {
            recreation.readLock().unlock();
        }
    }

    // ---- reads --------------------------------------------------------------------------------

    @Override
    @SuppressWarnings("unchecked")
    public Optional<StoredDocument> get(String documentId) {
        var parent = call(() -> client.get(g -> g.index(index).id(documentId).routing(documentId), Map.class));
        if (!parent.found() || parent.source() == null) {
            return Optional.empty();
        }
        Map<String, Object> p = parent.source();
        int count = ((Number) p.getOrDefault("chunk_count", 0)).intValue();
        List<Chunk> chunks = new ArrayList<>(count);
        if (count > 0) {
            var items = call(() -> client.mget(m -> {
                m.index(index).sourceIncludes(List.of("text", "ordinal", "start", "end", "tokens"));
                for (int i = 0; i < count; i++) {
                    String id = chunkId(documentId, i);
                    m.docs(d -> d.id(id).routing(documentId));
                }
                return m;
            }, Map.class));
            for (var item : items.docs()) {
                if (item.isResult() && item.result().found()) {
                    Map<String, Object> c = item.result().source();
                    chunks.add(new Chunk(num(c, "ordinal"), (String) c.get("text"), num(c, "start"), num(c, "end"),
                            num(c, "tokens")));
                }
            }
            chunks.sort(Comparator.comparingInt(Chunk::ordinal));
        }
        Map<String, Object> metadata = Metadata.fromJson((String) p.getOrDefault("metadata_json", "{}"));
        return Optional.of(new StoredDocument(documentId, (String) p.getOrDefault("title", ""),
                (String) p.getOrDefault("doc_text", ""), metadata, chunks));
    }

    private static int num(Map<String, Object> source, String field) {
        Object v = source.get(field);
        return v instanceof Number n ? n.intValue() : 0;
    }

    @Override
    public List<ChunkHit> searchText(String query, int k, Filter filter) {
        FilterTypes.check(filter, mapping);
        var response = call(() -> client.search(s -> s.index(index).searchType(SearchType.DfsQueryThenFetch).size(k)
                .source(fields()).query(textQuery(query, filter)), Map.class));
        complete(response.shards());
        return hits(response.hits(), false);
    }

    @Override
    public List<ChunkHit> searchVector(float[] vector, int k, Filter filter) {
        FilterTypes.check(filter, mapping);
        float[] prepared = prepareQuery(vector);
        var response = call(() -> client.search(s -> s.index(index).size(k).source(fields())
                .query(vectorQuery(prepared, k, filter)), Map.class));
        complete(response.shards());
        return hits(response.hits(), true);
    }

    /** Both candidate lists in one {@code _msearch} round trip; fusion happens in Tessera. */
    @Override
    public HybridCandidates searchHybrid(String query, float[] raw, int depth, Filter filter) {
        FilterTypes.check(filter, mapping);
        float[] vector = prepareQuery(raw);
        List<String> terms = analyzedTerms(query);
        MsearchResponse<Map> response = call(() -> client.msearch(m -> {
            m.index(index)
                    .searches(s -> s.header(h -> h.searchType(SearchType.DfsQueryThenFetch))
                            .body(b -> b.size(depth).source(fields()).query(textQuery(query, filter))))
                    .searches(s -> s.header(h -> h)
                            .body(b -> b.size(depth).source(fields()).query(vectorQuery(vector, depth, filter))));
            boundSearches(m, terms);
            return m;
        }, Map.class));
        List<MultiSearchResponseItem<Map>> items = response.responses();
        return new HybridCandidates(msearchHits(items.get(0), false), msearchHits(items.get(1), true),
                bound(terms, items.subList(2, items.size())));
    }

    @Override
    public double lexicalBound(String query) {
        List<String> terms = analyzedTerms(query);
        if (terms.isEmpty()) {
            return 0;
        }
        MsearchResponse<Map> response = call(() -> client.msearch(m -> {
            m.index(index);
            boundSearches(m, terms);
            return m;
        }, Map.class));
        return bound(terms, response.responses());
    }

    /**
     * The query as the {@code english} analyzer of {@code content} reads it: Lucene's
     * EnglishAnalyzer is the same chain (possessives, lower case, stop words, Porter), so the terms
     * are those OpenSearch scores.
     */
    private static List<String> analyzedTerms(String query) {
        List<String> terms = new ArrayList<>();
        try (var analyzer = new org.apache.lucene.analysis.en.EnglishAnalyzer();
                var stream = analyzer.tokenStream("content", query)) {
            var term = stream.addAttribute(org.apache.lucene.analysis.tokenattributes.CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return terms;
    }

    /**
     * Counts for the BM25 bound, in the same round trip as the searches: the chunk records (BM25's
     * N) and, per distinct term, the chunks that hold it (its document frequency).
     */
    private void boundSearches(org.opensearch.client.opensearch.core.MsearchRequest.Builder m, List<String> terms) {
        m.searches(s -> s.header(h -> h).body(b -> b.size(0).trackTotalHits(t -> t.enabled(true))
                .query(q -> q.term(t -> t.field("kind").value(FieldValue.of(KIND_CHUNK))))));
        for (String term : new java.util.LinkedHashSet<>(terms)) {
            m.searches(s -> s.header(h -> h).body(b -> b.size(0).trackTotalHits(t -> t.enabled(true))
                    .query(q -> q.term(t -> t.field("content").value(FieldValue.of(term))))));
        }
    }

    /** {@link Bm25Bound} from the counts {@link #boundSearches} asked for; NaN when a count failed. */
    private static double bound(List<String> terms, List<MultiSearchResponseItem<Map>> counts) {
        if (counts.isEmpty() || counts.stream().anyMatch(MultiSearchResponseItem::isFailure)) {
            return Double.NaN;
        }
        Map<String, Long> df = new HashMap<>();
        List<String> distinct = List.copyOf(new java.util.LinkedHashSet<>(terms)); // the order boundSearches sent
        for (int i = 0; i < distinct.size(); i++) {
            df.put(distinct.get(i), counts.get(i + 1).result().hits().total().value());
        }
        return Bm25Bound.of(terms, counts.getFirst().result().hits().total().value(), df::get);
    }

    private List<ChunkHit> msearchHits(MultiSearchResponseItem<Map> item, boolean vector) {
        if (item.isFailure()) {
            var error = item.failure();
            if (error.status() == 400) {
                throw new InvalidRequestException("query", "OpenSearch refused the query: " + error.error().reason());
            }
            throw new IndexUnavailableException("OpenSearch search failed: " + error.error().reason(), null);
        }
        complete(item.result().shards());
        return hits(item.result().hits(), vector);
    }

    /**
     * A search some shards failed to answer (a node just died, a copy is being promoted) has missed
     * their documents: say so (503, come back) rather than answer as if the collection had none.
     */
    private static void complete(org.opensearch.client.opensearch._types.ShardStatistics shards) {
        if (shards != null && shards.failed() > 0) {
            throw new IndexUnavailableException("OpenSearch answered from " + shards.successful() + " of "
                    + shards.total() + " shards; " + shards.failed() + " failed, so the answer would be incomplete", null);
        }
    }

    /** Checks the dimension and scales a cosine query to unit length (a zero vector is refused, as by the embedded index). */
    private float[] prepareQuery(float[] vector) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("query vector has " + vector.length + " dimensions, index has " + dimension);
        }
        return similarity.prepare(vector);
    }

    private static SourceConfig fields() {
        return SourceConfig.of(c -> c.filter(f -> f.includes(HIT_FIELDS)));
    }

    private Query textQuery(String query, Filter filter) {
        return Query.of(q -> q.bool(b -> b.must(m -> m.match(t -> t.field("content").query(FieldValue.of(query))))
                .filter(filterQueries(filter))));
    }

    private Query vectorQuery(float[] vector, int k, Filter filter) {
        List<Float> values = new ArrayList<>(vector.length);
        for (float v : vector) {
            values.add(v);
        }
        Query filters = Query.of(q -> q.bool(b -> b.filter(filterQueries(filter))));
        // Explore at least VECTOR_CANDIDATES per shard (as the embedded index does) and keep the best k.
        int candidates = Math.max(k, VECTOR_CANDIDATES);
        if (quantization == VectorQuantization.NONE) {
            return Query.of(q -> q.knn(n -> n.field("vector").vector(values).k(candidates).filter(filters)));
        }
        // The graph ranks by the quantised codes; the k-NN plugin draws oversample × k of them and rescores
        // those on the float vectors, as the embedded index does.
        return Query.of(q -> q.knn(n -> n.field("vector").vector(values).k(candidates).filter(filters)
                .rescore(r -> r.context(c -> c.oversampleFactor((float) oversample)))));
    }

    /** The chunk records a filter selects, as bool filter clauses. */
    private List<Query> filterQueries(Filter filter) {
        return filterQueries(filter, KIND_CHUNK);
    }

    private List<Query> filterQueries(Filter filter, String kind) {
        List<Query> out = new ArrayList<>(2);
        out.add(Query.of(q -> q.term(t -> t.field("kind").value(FieldValue.of(kind)))));
        if (!filter.matchesAll()) {
            out.add(OpenSearchFilters.query(filter, mapping));
        }
        return out;
    }

    /** The parent records a filter selects (checked against the mapping first). */
    private Query documentQuery(Filter filter) {
        FilterTypes.check(filter, mapping);
        List<Query> clauses = filterQueries(filter, KIND_DOC);
        return Query.of(q -> q.bool(b -> b.filter(clauses)));
    }

    @SuppressWarnings("unchecked")
    private List<ChunkHit> hits(HitsMetadata<Map> hits, boolean vector) {
        List<ChunkHit> out = new ArrayList<>(hits.hits().size());
        for (Hit<Map> hit : hits.hits()) {
            Map<String, Object> s = hit.source();
            double score = hit.score() == null ? 0 : hit.score();
            float reported = vector ? similarity.fromLuceneScore(score) : (float) score;
            Map<String, Object> metadata = Metadata.fromJson((String) s.getOrDefault("metadata_json", "{}"));
            out.add(new ChunkHit((String) s.get("doc_id"), (String) s.get("chunk_id"), num(s, "ordinal"), reported,
                    (String) s.getOrDefault("title", ""), (String) s.get("text"), num(s, "start"), num(s, "end"),
                    List.of(), metadata));
        }
        return out;
    }

    /** OpenSearch's highlighter on the chunk text, with the embedded index's tags, fragment size and count. */
    @Override
    public List<ChunkHit> highlight(String query, List<ChunkHit> hits) {
        if (hits.isEmpty()) {
            return hits;
        }
        List<String> ids = hits.stream().map(ChunkHit::chunkId).distinct().toList();
        var response = call(() -> client.search(s -> s.index(index).size(ids.size()).source(c -> c.fetch(false))
                .query(q -> q.ids(i -> i.values(ids)))
                .highlight(h -> h.encoder(org.opensearch.client.opensearch.core.search.HighlighterEncoder.Html)
                        .preTags("<em>").postTags("</em>")
                        .fields("text", f -> f.fragmentSize(160).numberOfFragments(3)
                                .highlightQuery(q -> q.match(m -> m.field("text").query(FieldValue.of(query)))))),
                Map.class));
        Map<String, List<String>> byId = new HashMap<>();
        for (Hit<Map> hit : response.hits().hits()) {
            byId.put(hit.id(), hit.highlight().getOrDefault("text", List.of()));
        }
        return hits.stream().map(h -> h.withHighlights(byId.getOrDefault(h.chunkId(), List.of()))).toList();
    }

    @Override
    public int forceMerge(int maxSegments) {
        DocumentIndex.checkMaxSegments(maxSegments);
        // Per shard, as OpenSearch's _forcemerge counts; the call returns when the merge is done.
        call(() -> client.indices().forcemerge(f -> f.index(index).maxNumSegments((long) maxSegments).flush(true)));
        call(() -> client.indices().refresh(r -> r.index(index)));
        return stats().segments();
    }

    @Override
    public IndexStats stats() {
        long docs = count(KIND_DOC);
        long chunks = count(KIND_CHUNK);
        var stats = call(() -> client.indices().stats(s -> s.index(index))).indices().get(index);
        int segments = stats.primaries().segments() == null ? 0 : stats.primaries().segments().count();
        long size = stats.total().store() == null ? -1 : stats.total().store().sizeInBytes();
        Map<String, Integer> params = new LinkedHashMap<>();
        params.put("m", 16);
        params.put("ef_construction", 100);
        params.put("candidates", VECTOR_CANDIDATES);
        params.put("shards", settings.shards());
        params.put("replicas", settings.replicas());
        return new IndexStats(docs, chunks, chunks, segments, size, "opensearch", model, dimension, similarity.jsonName(), FORMAT_VERSION,
                luceneVersion, params);
    }

    private long count(String kind) {
        return call(() -> client.count(c -> c.index(index)
                .query(q -> q.term(t -> t.field("kind").value(FieldValue.of(kind)))))).count();
    }

    /** The client, for tests and benchmarks that watch the cluster. */
    public OpenSearchClient client() {
        return client;
    }

    public String indexName() {
        return index;
    }

    // ---- plumbing -----------------------------------------------------------------------------

    private interface Call<T> {
        T run() throws IOException;
    }

    /**
     * One request; a refusal of the request itself (400) is the client's error, anything else
     * means the cluster cannot answer now.
     */
    private <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (OpenSearchException e) {
            if (e.status() == 400) {
                throw new InvalidRequestException("query", "OpenSearch refused the request: " + e.error().reason());
            }
            throw new IndexUnavailableException("OpenSearch answered " + e.status() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IndexUnavailableException("no answer from OpenSearch: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        bulkPool.shutdown();
        try {
            if (!bulkPool.awaitTermination(settings.requestTimeout().toSeconds() + 1, TimeUnit.SECONDS)) {
                bulkPool.shutdownNow();
            }
        } catch (InterruptedException e) {
            bulkPool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        OpenSearchClients.close(client);
    }

    // ---- documents by filter ------------------------------------------------------------------

    @Override
    public long count(Filter filter) {
        Query q = documentQuery(filter);
        return call(() -> client.count(c -> c.index(index).query(q))).count();
    }

    @Override
    @SuppressWarnings("unchecked")
    public DocumentPage list(Filter filter, int limit, String cursor) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        Query where = documentQuery(filter);
        // Sorted by doc_id, a keyword: UTF-8 byte order, as the embedded index lists.
        var response = call(() -> client.search(s -> {
            s.index(index).size(limit + 1).source(c -> c.filter(f -> f.includes("doc_id")))
                    .query(where).sort(o -> o.field(f -> f.field("doc_id").order(SortOrder.Asc)));
            if (cursor != null) {
                s.searchAfter(List.of(FieldValue.of(cursor)));
            }
            return s;
        }, Map.class));
        List<String> ids = response.hits().hits().stream().map(h -> (String) h.source().get("doc_id")).toList();
        return DocumentPage.of(ids, limit, this::get);
    }

    /**
     * Chunks first, then their parents: a document leaves searches before it leaves reads and
     * listings, and one cut short in between is still listed (and deleted again by a retry).
     */
    @Override
    public long delete(Filter filter) {
        if (filter.matchesAll()) {
            return deleteAll();
        }
        Query parents = documentQuery(filter);
        List<Query> chunkClauses = filterQueries(filter, KIND_CHUNK);
        Query chunks = Query.of(q -> q.bool(b -> b.filter(chunkClauses)));
        recreation.readLock().lock();
        try {
            deleteByQuery(chunks);
            return deleteByQuery(parents);
        } finally {
            recreation.readLock().unlock();
        }
    }

    private long deleteByQuery(Query query) {
        var response = call(() -> client.deleteByQuery(d -> d.index(index).query(query).refresh(Refresh.True)
                .conflicts(org.opensearch.client.opensearch._types.Conflicts.Proceed)
                .timeout(Time.of(t -> t.time(settings.requestTimeout().toMillis() + "ms")))));
        if (!response.failures().isEmpty()) {
            throw new IndexUnavailableException("OpenSearch delete by query failed: "
                    + response.failures().getFirst().cause().reason(), null);
        }
        return response.deleted() == null ? 0 : response.deleted();
    }

    /**
     * Every document, and the mapping with them, by recreating the index: OpenSearch cannot remove
     * a field from a mapping, and a later document may use a key with another type.
     */
    private long deleteAll() {
        recreation.writeLock().lock();
        try {
            long before = count(Filter.ALL);
            call(() -> client.indices().delete(d -> d.index(index)));
            mapping.clear();
            openOrCreate();
            return before;
        } catch (IOException e) {
            throw new IndexUnavailableException("recreating OpenSearch index " + index + " failed: " + e.getMessage(), e);
        } finally {
            recreation.writeLock().unlock();
        }
    }

    @Override
    public Map<String, float[]> vectors(List<String> chunkIds) {
        Map<String, float[]> out = new LinkedHashMap<>();
        chunkSources(chunkIds, "vector").forEach((id, source) -> {
            if (source.get("vector") instanceof List<?> v) {
                float[] vector = new float[v.size()];
                for (int i = 0; i < vector.length; i++) {
                    vector[i] = ((Number) v.get(i)).floatValue();
                }
                out.put(id, vector);
            }
        });
        return out;
    }

    @Override
    public Map<String, SpanVectors> spanVectors(List<String> chunkIds) {
        Map<String, SpanVectors> out = new LinkedHashMap<>();
        chunkSources(chunkIds, "spans").forEach((id, source) -> {
            if (source.get("spans") instanceof String b64) {
                out.put(id, SpanVectors.decode(java.util.Base64.getDecoder().decode(b64)));
            }
        });
        return out;
    }

    /** One field of the chunks found among {@code chunkIds} (one multi-get, routed by document), by chunk id. */
    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> chunkSources(List<String> chunkIds, String field) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        if (chunkIds.isEmpty()) {
            return out;
        }
        var items = call(() -> client.mget(m -> {
            m.index(index).sourceIncludes(List.of("chunk_id", field));
            for (String id : chunkIds) {
                int hash = id.lastIndexOf('#');
                m.docs(d -> d.id(id).routing(hash < 0 ? id : id.substring(0, hash)));
            }
            return m;
        }, Map.class));
        for (var item : items.docs()) {
            if (item.isResult() && item.result().found()) {
                out.put(item.result().id(), (Map<String, Object>) item.result().source());
            }
        }
        return out;
    }

    @Override
    public MetadataMapping metadataMapping() {
        return mapping;
    }
}
