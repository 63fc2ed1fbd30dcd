package dev.tessera.services.metrics;

import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextAssembler;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.index.ChunkHit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;

/**
 * Times context assembly ({@code tessera.rag.assemble}, tagged with the strategy and whether it
 * was abstractive) — the part of {@code /v1/rag/context} after retrieval.
 */
public final class MeteredContextAssembler implements ContextAssembler {

    public static final String ASSEMBLE = "tessera.rag.assemble";

    private final ContextAssembler delegate;
    private final Timer timer;

    public MeteredContextAssembler(ContextAssembler delegate, boolean abstractive, MeterRegistry registry) {
        this.delegate = delegate;
        this.timer = Timer.builder(ASSEMBLE).description("RAG context assembly time, retrieval excluded")
                .tag("strategy", delegate.strategy()).tag("abstractive", Boolean.toString(abstractive))
                .publishPercentileHistogram().register(registry);
    }

    @Override
    public String strategy() {
        return delegate.strategy();
    }

    @Override
    public AssembledContext assemble(ContextRequest request, List<ChunkHit> candidates) {
        return timer.record(() -> delegate.assemble(request, candidates));
    }
}
