package dev.tessera.services.rag;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.context.refrag.ChunkProjection;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.embeddings.EmbeddingModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * REFRAG projections installed as {@code <data-dir>/models/<name>/projection.safetensors}, named by
 * the folder in lower case (the target LLM). Loaded at start-up; one that is malformed or whose
 * {@code d_enc} differs from the search model's dimension (the embeddings it would receive) is
 * listed as unavailable with the reason and never applied.
 */
@Component
public class ChunkProjections {

    public static final String PROJECTION_FILE = "projection.safetensors";

    /** One installed projection and what became of it. */
    public record Installed(String name, Path file, ChunkProjection projection, String problem) {
        public boolean available() {
            return projection != null;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ChunkProjections.class);

    private final Map<String, Installed> installed = new LinkedHashMap<>();

    public ChunkProjections(TesseraProperties properties, EmbeddingModels models) {
        Path root = properties.dataDir().resolve("models");
        if (!Files.isDirectory(root)) {
            return;
        }
        String embedder = models.searchModel().name();
        int dimension = models.searchModel().dimension();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve(PROJECTION_FILE))).sorted().toList()) {
                Installed i = install(dir.getFileName().toString().toLowerCase(Locale.ROOT),
                        dir.resolve(PROJECTION_FILE), embedder, dimension);
                installed.put(i.name(), i);
            }
        } catch (IOException e) {
            log.error("cannot list installed models under {}", root, e);
        }
    }

    private static Installed install(String name, Path file, String embedder, int dimension) {
        try {
            ChunkProjection p = ChunkProjection.load(name, file);
            if (p.inputDimension() != dimension) {
                String problem = file + " projects " + p.inputDimension() + "-d embeddings, but the search model "
                        + embedder + " embeds chunks in " + dimension + " dimensions";
                log.warn("projection {} unavailable: {}", name, problem);
                return new Installed(name, file, null, problem);
            }
            log.info("projection {} loaded from {} ([{}, {}])", name, file, p.inputDimension(), p.outputDimension());
            return new Installed(name, file, p, null);
        } catch (IOException | RuntimeException e) {
            String problem = e.getMessage() == null ? e.toString() : e.getMessage();
            log.warn("projection {} unavailable: {}", name, problem);
            return new Installed(name, file, null, problem);
        }
    }

    /** @throws InvalidRequestException naming {@code target_model} when unknown or unavailable */
    public ChunkProjection get(String name) {
        Installed i = installed.get(name.trim().toLowerCase(Locale.ROOT));
        if (i == null) {
            throw new InvalidRequestException("target_model", "no projection installed for target_model '" + name
                    + "'; available: " + installed.values().stream().filter(Installed::available)
                            .map(Installed::name).toList());
        }
        if (!i.available()) {
            throw new InvalidRequestException("target_model", "the projection for '" + i.name()
                    + "' cannot be used: " + i.problem());
        }
        return i.projection();
    }

    public List<Installed> all() {
        return new ArrayList<>(installed.values());
    }
}
