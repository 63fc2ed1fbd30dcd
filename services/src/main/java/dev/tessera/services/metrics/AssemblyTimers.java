package dev.tessera.services.metrics;

import dev.tessera.retrieval.context.ContextAssembler;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** One timed wrapper per assembler instance, made on first use (assemblers are few and long-lived). */
@Component
public class AssemblyTimers {

    private final MeterRegistry registry;
    private final Map<ContextAssembler, ContextAssembler> timed = new ConcurrentHashMap<>();

    public AssemblyTimers(MeterRegistry registry) {
        this.registry = registry;
    }

    public ContextAssembler timed(ContextAssembler assembler, boolean abstractive) {
        return timed.computeIfAbsent(assembler, a -> new MeteredContextAssembler(a, abstractive, registry));
    }
}
