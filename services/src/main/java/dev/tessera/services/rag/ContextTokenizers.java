package dev.tessera.services.rag;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.context.ContextTokenizer;
import dev.tessera.retrieval.context.HuggingFaceContextTokenizer;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.tokenizers.text.TextTokenCounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The downstream-LLM tokenizers a context budget can be counted in: the OpenAI encodings (jtokkit)
 * and every {@code <data-dir>/models/<name>/tokenizer.json} found at start-up, registered under
 * the folder name in lower case. A file that does not load is logged and left out.
 */
@Component
public class ContextTokenizers implements AutoCloseable {

    public static final String DEFAULT = "o200k_base";
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private static final Logger log = LoggerFactory.getLogger(ContextTokenizers.class);

    private final Map<String, ContextTokenizer> encodings = new ConcurrentHashMap<>();
    private final Map<String, HuggingFaceContextTokenizer> installed = new LinkedHashMap<>();

    public ContextTokenizers(TesseraProperties properties) {
        Path root = properties.dataDir().resolve("models");
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve(TOKENIZER_FILE))).sorted().toList()) {
                install(dir);
            }
        } catch (IOException e) {
            log.error("cannot list installed models under {}", root, e);
        }
    }

    private void install(Path dir) {
        String name = dir.getFileName().toString().toLowerCase(Locale.ROOT);
        if (TextTokenCounter.supported().contains(name)) {
            log.warn("context tokenizer {} in {} ignored: the name is taken by the built-in encoding", name, dir);
            return;
        }
        try {
            installed.put(name, ContextTokenizer.huggingFace(name, dir.resolve(TOKENIZER_FILE)));
            log.info("context tokenizer {} loaded from {}", name, dir.resolve(TOKENIZER_FILE));
        } catch (RuntimeException e) {
            log.warn("context tokenizer {} unavailable: {}", name, e.getMessage());
        }
    }

    /** @throws InvalidRequestException naming {@code tokenizer} when unknown */
    public ContextTokenizer get(String name) {
        String key = name == null || name.isBlank() ? DEFAULT : name.trim().toLowerCase(Locale.ROOT);
        ContextTokenizer hf = installed.get(key);
        if (hf != null) {
            return hf;
        }
        if (!TextTokenCounter.supported().contains(key)) {
            throw new InvalidRequestException("tokenizer", "unknown tokenizer '" + name + "'; known: "
                    + String.join(", ", names()));
        }
        return encodings.computeIfAbsent(key, ContextTokenizer::openAi);
    }

    /** The built-in encodings, then the installed tokenizers. */
    public List<String> names() {
        List<String> names = new ArrayList<>(TextTokenCounter.supported());
        names.addAll(installed.keySet());
        return names;
    }

    @Override
    public void close() {
        installed.values().forEach(HuggingFaceContextTokenizer::close);
    }
}
