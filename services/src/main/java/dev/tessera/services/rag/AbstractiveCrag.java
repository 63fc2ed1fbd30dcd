package dev.tessera.services.rag;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.context.ContextAssembler;
import dev.tessera.retrieval.context.ContextAssemblers;
import dev.tessera.retrieval.context.crag.AbstractiveCragAssembler;
import dev.tessera.retrieval.context.crag.OpenAiChatSummarizer;
import dev.tessera.services.config.TesseraProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Abstractive CRAG as configured under {@code tessera.rag.abstractive}; absent unless enabled. */
@Component
public class AbstractiveCrag implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AbstractiveCrag.class);

    private final OpenAiChatSummarizer summarizer;
    private final ContextAssembler assembler;

    public AbstractiveCrag(TesseraProperties properties, ContextAssemblers assemblers) {
        TesseraProperties.Abstractive config = properties.rag().abstractive();
        if (!config.enabled()) {
            summarizer = null;
            assembler = null;
            return;
        }
        if (config.model().isBlank()) {
            throw new IllegalStateException("tessera.rag.abstractive.enabled=true needs tessera.rag.abstractive.model, "
                    + "the chat model to summarize with");
        }
        summarizer = new OpenAiChatSummarizer(new OpenAiChatSummarizer.Settings(config.endpoint(), config.model(),
                config.apiKey(), config.timeout(), config.maxTokensPerSummary()));
        assembler = new AbstractiveCragAssembler(assemblers.forStrategy("crag"), summarizer);
        log.info("abstractive crag summarizes with {} at {}", config.model(), summarizer.completionsUri());
    }

    /** @throws InvalidRequestException naming {@code abstractive} when it is off or the strategy is not crag */
    public ContextAssembler assembler(ContextAssembler requested) {
        if (!requested.strategy().equals("crag")) {
            throw new InvalidRequestException("abstractive", "abstractive applies to strategy crag only, not "
                    + requested.strategy());
        }
        if (assembler == null) {
            throw new InvalidRequestException("abstractive", "abstractive summaries are not enabled on this server "
                    + "(tessera.rag.abstractive.enabled)");
        }
        return assembler;
    }

    @Override
    public void close() {
        if (summarizer != null) summarizer.close();
    }
}
