package dev.tessera.services.embeddings;

import dev.tessera.retrieval.embed.BatchingEmbedder;
import dev.tessera.retrieval.embed.DjlEmbedder;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.embed.EmbeddingModelSpec;
import dev.tessera.retrieval.embed.Pooling;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.metrics.MeteredEmbedder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The embedding models this service can serve: the built-ins carried in jars plus any added by
 * configuration. The search model is loaded at start-up; others on first use. Each is wrapped in
 * dynamic batching so concurrent requests share forward passes, and each forward pass is metered.
 */
@Component
public class EmbeddingModels implements AutoCloseable {

    private final List<EmbeddingModelSpec> specs;
    private final TesseraProperties.Embedding settings;
    private final Map<String, BatchingEmbedder> loaded = new ConcurrentHashMap<>();
    private final MeterRegistry registry;

    public EmbeddingModels(TesseraProperties properties, MeterRegistry registry) {
        this.settings = properties.embedding();
        this.registry = registry;
        List<EmbeddingModelSpec> all = new ArrayList<>();
        for (TesseraProperties.Model m : settings.models()) {
            all.add(new EmbeddingModelSpec(m.name(), List.of(), m.engine(), m.modelPath(), m.tokenizerPath(),
                    Pooling.parse(m.pooling()), m.normalize(), m.queryPrefix(), m.documentPrefix(), m.maxTokens()));
        }
        all.addAll(EmbeddingModelSpec.builtIns());
        this.specs = List.copyOf(all);
        searchModel(); // fail at start-up, not on the first request, if the search model cannot load
    }

    /** The model that embeds documents and queries for the index. */
    public BatchingEmbedder searchModel() {
        return get(settings.model());
    }

    /** The configured search model's canonical name. */
    public String searchModelName() {
        return spec(settings.model()).name();
    }

    /** Whether the search model is loaded, without loading it. */
    public boolean searchModelLoaded() {
        return loaded.containsKey(searchModelName());
    }

    private EmbeddingModelSpec spec(String name) {
        return specs.stream().filter(s -> s.answersTo(name)).findFirst()
                .orElseThrow(() -> new UnknownModelException(name, names()));
    }

    /** @throws UnknownModelException if no model answers to that name */
    public BatchingEmbedder get(String name) {
        EmbeddingModelSpec spec = spec(name);
        return loaded.computeIfAbsent(spec.name(), n -> metered(new BatchingEmbedder(
                new MeteredEmbedder(DjlEmbedder.load(spec, settings.device(), 1, settings.maxBatchSize(),
                        settings.onnx().sessionOptions()), registry),
                settings.maxBatchSize(), settings.maxBatchTokens(), settings.maxWaitMs(), settings.maxQueuedTexts(),
                settings.maxQueuedTokens())));
    }

    /** Queue depth and refusals, per model: what an operator watches before raising the limits. */
    private BatchingEmbedder metered(BatchingEmbedder batcher) {
        String model = batcher.name();
        Gauge.builder("tessera.embedding.queue.texts", batcher, BatchingEmbedder::queuedTexts).tag("model", model)
                .description("texts waiting for or in a forward pass").register(registry);
        Gauge.builder("tessera.embedding.queue.tokens", batcher, BatchingEmbedder::queuedTokens).tag("model", model)
                .description("tokens waiting for or in a forward pass").register(registry);
        FunctionCounter.builder("tessera.embedding.queue.rejections", batcher, BatchingEmbedder::rejections)
                .tag("model", model).description("requests refused with 429 because the queue was full")
                .register(registry);
        return batcher;
    }

    public List<String> names() {
        return specs.stream().map(EmbeddingModelSpec::name).toList();
    }

    public Map<String, BatchingEmbedder> loaded() {
        return Map.copyOf(loaded);
    }

    @Override
    public void close() {
        loaded.values().forEach(Embedder::close);
        loaded.clear();
    }
}
