package dev.tessera.services.admin;

import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.IndexStats;
import dev.tessera.services.embeddings.EmbeddingModels;
import dev.tessera.services.images.ModelCatalog;
import dev.tessera.services.images.ModelsController.ModelView;
import dev.tessera.services.jobs.BulkIngestJobs;
import dev.tessera.services.jobs.JobStatus;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Everything the dashboard shows, gathered from where each number already lives: the index's own
 * stats, the model catalog behind {@code /v1/models}, the bulk jobs, and the request metrics.
 */
@Component
public class AdminStats {

    /**
     * @param embeddingModel the search model's entry of {@code /v1/models} (name, dimension, device)
     * @param jobs           bulk jobs queued, running, or interrupted (waiting for a resume)
     * @param videos         video clips stored for search by example
     * @param index          the default collection's index
     * @param collections    every collection, with its own counts
     * @param embeddingQueues each loaded embedding model's queue: depth, limits, and requests refused (429)
     */
    public record Stats(Instant generatedAt, IndexStats index, ModelView embeddingModel, Tokenizers tokenizers,
                        List<JobStatus> jobs, RequestHistory.Requests requests, long videos,
                        List<CollectionSummary> collections, List<EmbeddingQueue> embeddingQueues) {}

    public record EmbeddingQueue(String model, long texts, long tokens, long maxTexts, long maxTokens, long rejections) {}

    /** One collection at a glance; {@code model} is null for client vectors. */
    public record CollectionSummary(String name, String model, int dimension, String similarity, long documents,
                                    long chunks, long sizeOnDiskBytes, int metadataKeys) {}

    /** Image and context tokenizers and vision towers: those that can be served, and those installed but not servable (with why). */
    public record Tokenizers(List<ModelView> installed, List<ModelView> unavailable) {}

    private final DocumentIndex index;
    private final dev.tessera.retrieval.collection.CollectionRegistry collections;
    private final ModelCatalog models;
    private final BulkIngestJobs jobs;
    private final RequestHistory requests;
    private final dev.tessera.retrieval.video.VideoIndex videos;
    private final EmbeddingModels embedders;

    public AdminStats(DocumentIndex index, ModelCatalog models, BulkIngestJobs jobs, RequestHistory requests,
                      dev.tessera.retrieval.video.VideoIndex videos,
                      dev.tessera.retrieval.collection.CollectionRegistry collections, EmbeddingModels embedders) {
        this.embedders = embedders;
        this.collections = collections;
        this.videos = videos;
        this.index = index;
        this.models = models;
        this.jobs = jobs;
        this.requests = requests;
    }

    public Stats gather() {
        List<ModelView> tokenizers = models.all().stream()
                .filter(m -> m.kind().equals(ModelCatalog.IMAGE_TOKENIZER) || m.kind().equals(ModelCatalog.CONTEXT_TOKENIZER)
                        || m.kind().equals(ModelCatalog.VISION_TOWER) || m.kind().equals(ModelCatalog.AUDIO_TOKENIZER))
                .toList();
        return new Stats(Instant.now(), index.stats(), models.searchModel(),
                new Tokenizers(
                        tokenizers.stream().filter(m -> !m.status().equals(ModelCatalog.UNAVAILABLE)).toList(),
                        tokenizers.stream().filter(m -> m.status().equals(ModelCatalog.UNAVAILABLE)).toList()),
                jobs.all().stream().filter(j -> j.state().matches("queued|running|interrupted")).toList(),
                requests.series(), videos.count(), collections.list().stream().map(c -> {
                    IndexStats st = c.index().stats();
                    return new CollectionSummary(c.name(), c.settings().model(), c.settings().dimension(),
                            c.settings().similarity().jsonName(), st.documents(), st.chunks(), st.sizeOnDiskBytes(),
                            c.index().metadataMapping().asMap().size());
                }).toList(),
                embedders.loaded().values().stream().sorted(java.util.Comparator.comparing(b -> b.name()))
                        .map(b -> new EmbeddingQueue(b.name(), b.queuedTexts(), b.queuedTokens(),
                                b.maxQueuedTexts(), b.maxQueuedTokens(), b.rejections()))
                        .toList());
    }
}
