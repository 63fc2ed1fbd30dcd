package dev.tessera.services.rag;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.context.ContextTokenizer;
import dev.tessera.tokenizers.text.TextTokenCounter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** The downstream-LLM tokenizers a context budget can be counted in (OpenAI encodings via jtokkit). */
@Component
public class ContextTokenizers {

    public static final String DEFAULT = "o200k_base";

    private final Map<String, ContextTokenizer> cache = new ConcurrentHashMap<>();

    /** @throws InvalidRequestException naming {@code tokenizer} when unknown */
    public ContextTokenizer get(String name) {
        String key = name == null || name.isBlank() ? DEFAULT : name.trim().toLowerCase(Locale.ROOT);
        if (!TextTokenCounter.supported().contains(key)) {
            throw new InvalidRequestException("tokenizer", "unknown tokenizer '" + name + "'; known: "
                    + String.join(", ", TextTokenCounter.supported()));
        }
        return cache.computeIfAbsent(key, ContextTokenizer::openAi);
    }

    public List<String> names() {
        return TextTokenCounter.supported();
    }
}
