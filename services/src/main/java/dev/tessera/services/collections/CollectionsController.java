package dev.tessera.services.collections;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.collection.Collection;
import dev.tessera.retrieval.collection.CollectionRegistry;
import dev.tessera.retrieval.collection.CollectionSettings;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.IndexStats;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.index.VectorQuantization;
import dev.tessera.retrieval.index.VectorSimilarity;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.embeddings.EmbeddingModels;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Named collections: create (idempotent for the same settings), list, describe, drop. */
@RestController
@Tag(name = "collections")
public class CollectionsController {

    /** The client's vectors: dimension and how to compare them. */
    public record Vectors(Integer dimension, String similarity) {}

    /**
     * Exactly one of {@code model} and {@code vectors}. {@code quantization} ({@code none|int8|int4|binary})
     * and {@code oversample} (candidates per result rescored exactly; default per quantization) shape the
     * vector graph.
     */
    public record NewCollection(String name, String model, Vectors vectors, String vectorEngine, String quantization,
                                Double oversample) {}

    public record CollectionView(String name, String model, int dimension, String similarity, String vectorEngine,
                                 String quantization, double oversample,
                                 String vectors, long documents, long chunks, long sizeOnDiskBytes,
                                 Map<String, String> metadata, IndexStats index) {
        static CollectionView of(Collection c) {
            CollectionSettings s = c.settings();
            IndexStats stats = c.index().stats();
            Map<String, String> mapping = new java.util.TreeMap<>();
            c.index().metadataMapping().asMap().forEach((k, t) -> mapping.put(k, t.jsonName()));
            return new CollectionView(s.name(), s.model(), s.dimension(), s.similarity().jsonName(),
                    s.vectorEngine().name().toLowerCase(), s.quantization().jsonName(), s.oversample(), s.clientVectors() ? "client" : "model", stats.documents(),
                    stats.chunks(), stats.sizeOnDiskBytes(), mapping, stats);
        }
    }

    public record CollectionList(List<CollectionView> collections) {}

    private final CollectionRegistry collections;
    private final EmbeddingModels models;
    private final TesseraProperties properties;

    public CollectionsController(CollectionRegistry collections, EmbeddingModels models, TesseraProperties properties) {
        this.collections = collections;
        this.models = models;
        this.properties = properties;
    }

    @PostMapping("/v1/collections")
    @ApiResponse(responseCode = "201", description = "Created; Location: /v1/collections/{name}")
    @ApiResponse(responseCode = "200", description = "It existed with these settings")
    @ApiResponse(responseCode = "409", description = "It exists with other settings")
    public ResponseEntity<CollectionView> create(@RequestBody NewCollection body) {
        CollectionSettings.checkName(body.name());
        if ((body.model() == null) == (body.vectors() == null)) {
            throw new InvalidRequestException(body.model() == null ? "model" : "vectors",
                    "give exactly one of model (Tessera embeds the text) and vectors (clients send every vector)");
        }
        VectorEngine engine = parse("vector_engine", () -> VectorEngine.parse(body.vectorEngine() == null
                ? properties.vectorEngine() : body.vectorEngine()));
        VectorQuantization quantization = VectorQuantization.parse(body.quantization());
        if (body.oversample() != null && quantization == VectorQuantization.NONE) {
            throw new InvalidRequestException("oversample", "oversample applies to quantized collections only");
        }
        double oversample = body.oversample() == null ? 0 : VectorQuantization.checkOversample(body.oversample());
        CollectionSettings settings;
        if (body.model() != null) {
            var embedder = models.get(body.model()); // 404 naming the known models
            settings = new CollectionSettings(body.name(), embedder.name(), embedder.dimension(), VectorSimilarity.COSINE,
                    engine, quantization, oversample);
        } else {
            if (body.vectors().dimension() == null) {
                throw new InvalidRequestException("vectors.dimension", "vectors.dimension is required");
            }
            VectorSimilarity similarity = parse("vectors.similarity", () -> VectorSimilarity.parse(
                    body.vectors().similarity() == null ? "cosine" : body.vectors().similarity()));
            settings = new CollectionSettings(body.name(), null, body.vectors().dimension(), similarity, engine,
                    quantization, oversample);
        }
        CollectionRegistry.Created created = collections.create(settings);
        CollectionView view = CollectionView.of(created.collection());
        return created.created()
                ? ResponseEntity.created(URI.create("/v1/collections/" + settings.name())).body(view)
                : ResponseEntity.ok(view);
    }

    @GetMapping("/v1/collections")
    public CollectionList list() {
        return new CollectionList(collections.list().stream().map(CollectionView::of).toList());
    }

    @GetMapping("/v1/collections/{name}")
    public CollectionView get(@PathVariable String name) {
        return CollectionView.of(collections.get(name));
    }

    /** Drops a collection with every document in it (admin). The default collection stays. */
    @DeleteMapping("/v1/collections/{name}")
    @ApiResponse(responseCode = "204", description = "Dropped")
    public ResponseEntity<Void> drop(@PathVariable String name) {
        if (CollectionSettings.DEFAULT.equals(name)) {
            throw new InvalidRequestException("name", "the default collection cannot be dropped; delete its documents"
                    + " with POST /v1/documents/delete {\"all\": true}");
        }
        collections.drop(name);
        return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
    }

    @Schema(name = "MergeRequest")
    public record MergeRequest(Integer maxSegments) {}

    @Schema(name = "MergeResult")
    public record MergeResult(String collection, int segmentsBefore, int segmentsAfter, long tookMs) {}

    /**
     * Merges a collection's index into at most {@code max_segments} segments (default 1), for after a
     * bulk load: a vector search then walks one graph instead of one per segment (admin). Answers when
     * the merge is durable; searches and writes go on meanwhile.
     */
    @PostMapping("/v1/collections/{name}/merge")
    @ApiResponse(responseCode = "200", description = "Merged and committed")
    public MergeResult merge(@PathVariable String name, @RequestBody(required = false) MergeRequest body) {
        int maxSegments = DocumentIndex.checkMaxSegments(body == null || body.maxSegments() == null ? 1
                : body.maxSegments());
        var collection = collections.get(name);
        int before = collection.index().stats().segments();
        long started = System.nanoTime();
        int after = collection.index().forceMerge(maxSegments);
        return new MergeResult(name, before, after, (System.nanoTime() - started) / 1_000_000);
    }

    private static <T> T parse(String field, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw e instanceof InvalidRequestException ir ? ir : new InvalidRequestException(field, e.getMessage());
        }
    }
}
