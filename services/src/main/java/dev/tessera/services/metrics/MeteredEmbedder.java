package dev.tessera.services.metrics;

import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.embed.ForwardingEmbedder;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;

/**
 * Records each forward pass of an embedding model: how many texts it carried
 * ({@code tessera.embedding.batch.size}) and how long it took ({@code tessera.embedding.forward}),
 * both tagged with the model. It sits under the dynamic batcher, so one call here is one forward pass.
 */
public final class MeteredEmbedder extends ForwardingEmbedder {

    public static final String BATCH_SIZE = "tessera.embedding.batch.size";
    public static final String FORWARD = "tessera.embedding.forward";

    private final DistributionSummary batchSize;
    private final Timer forward;

    public MeteredEmbedder(Embedder delegate, MeterRegistry registry) {
        super(delegate);
        this.batchSize = DistributionSummary.builder(BATCH_SIZE).baseUnit("texts")
                .description("Texts per embedding forward pass").tag("model", delegate.name())
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(256.0)
                .register(registry);
        this.forward = Timer.builder(FORWARD).description("Embedding forward pass time")
                .tag("model", delegate.name()).publishPercentileHistogram().register(registry);
    }

    @Override
    public List<float[]> embed(List<String> texts, Role role) {
        batchSize.record(texts.size());
        return forward.record(() -> delegate.embed(texts, role));
    }
}
