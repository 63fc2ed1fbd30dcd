package dev.tessera.services.images;

import dev.tessera.tokenizers.image.BundledImageModels;
import dev.tessera.tokenizers.image.ImageTokenizer;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.metrics.MeteredImageTokenizer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import dev.tessera.tokenizers.weights.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Image tokenizers installed under {@code <data-dir>/models/<name>/} in the layout their hub
 * publishes ({@code config.json} + {@code model.safetensors}, or a {@code torch.save} state dict).
 * They are loaded at start-up; a folder whose weights are missing or damaged is listed as unavailable with the
 * reason, and never served — the other models still are. The models bundled in the jar
 * ({@code titok-tiny}, {@code textok-tiny}) are served too unless {@code tessera.images.bundled}
 * is false or a folder of the same name replaces them.
 */
@Component
public class ImageModels implements AutoCloseable {

    /** One installed model folder and what became of it. */
    public record Installed(String name, Path dir, ImageTokenizer tokenizer, String problem, boolean bundled) {
        public boolean available() {
            return tokenizer != null;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ImageModels.class);

    private final Map<String, Installed> models = new LinkedHashMap<>();
    private final String defaultModel;
    private Path bundledDir;   // where the jar's models were unpacked, removed on close

    /** @param loaders one per checkpoint family; a folder no loader recognises is skipped */
    public ImageModels(TesseraProperties properties, List<ImageTokenizerLoader> loaders, MeterRegistry registry) {
        this.defaultModel = properties.images().defaultModel();
        String device = properties.images().device();
        Path root = properties.dataDir().resolve("models");
        if (Files.isDirectory(root)) {
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                    installWithFirstLoader(dir, false, loaders, device, registry);
                }
            } catch (IOException e) {
                log.error("cannot list installed models under {}", root, e);
            }
        }
        if (properties.images().bundled()) {
            installBundled(loaders, device, registry);
        }
    }

    /** The models shipped in the jar, unless a folder of the same name is installed (which wins). */
    private void installBundled(List<ImageTokenizerLoader> loaders, String device, MeterRegistry registry) {
        List<String> names = BundledImageModels.names().stream().filter(n -> !models.containsKey(n)).toList();
        if (names.isEmpty()) {
            return;
        }
        try {
            bundledDir = Files.createTempDirectory("tessera-bundled-models");
            for (String name : names) {
                installWithFirstLoader(BundledImageModels.extract(name, bundledDir), true, loaders, device, registry);
            }
        } catch (IOException e) {
            log.error("cannot unpack the bundled image models", e);
        }
    }

    private void installWithFirstLoader(Path dir, boolean bundled, List<ImageTokenizerLoader> loaders, String device,
            MeterRegistry registry) {
        for (ImageTokenizerLoader loader : loaders) {
            Optional<Installed> installed = install(dir, bundled, loader, device, registry);
            if (installed.isPresent()) {
                models.put(installed.get().name(), installed.get());
                return;
            }
        }
    }

    private static Optional<Installed> install(Path dir, boolean bundled, ImageTokenizerLoader loader, String device,
            MeterRegistry registry) {
        String name = dir.getFileName().toString();
        if (!loader.recognises(dir)) {
            return Optional.empty(); // not an image tokenizer folder (e.g. an embedding model)
        }
        if (WeightsFile.find(dir).isEmpty()) {
            String problem = "no weights in " + dir + " (one of " + String.join(", ", WeightsFile.FILE_NAMES) + ")";
            log.warn("image model {} unavailable: {}", name, problem);
            return Optional.of(new Installed(name, dir, null, problem, bundled));
        }
        try {
            ImageTokenizer tokenizer = loader.load(name, dir, device);
            log.info("image model {} loaded from {} ({} tokens, codebook {}, {} parameters, {})", name, dir,
                    tokenizer.numTokens(), tokenizer.codebookSize(), tokenizer.parameterCount(), tokenizer.device());
            return Optional.of(new Installed(name, dir, new MeteredImageTokenizer(tokenizer, registry), null, bundled));
        } catch (Exception e) {
            String problem = e.getMessage() == null ? e.toString() : e.getMessage();
            log.warn("image model {} unavailable: {}", name, problem);
            return Optional.of(new Installed(name, dir, null, problem, bundled));
        }
    }

    public List<Installed> all() {
        return new ArrayList<>(models.values());
    }

    /**
     * @param name the requested model, or null/blank for the default
     * @throws UnknownImageModelException when nothing answers to the name
     * @throws ImageModelUnavailableException when the model is installed but cannot be served
     */
    public ImageTokenizer get(String name) {
        String wanted = name == null || name.isBlank() ? defaultName() : name;
        Installed m = models.get(wanted);
        if (m == null) {
            throw new UnknownImageModelException(wanted, models.keySet());
        }
        if (!m.available()) {
            throw new ImageModelUnavailableException(m.name(), m.problem());
        }
        return m.tokenizer();
    }

    private String defaultName() {
        if (!defaultModel.isBlank()) {
            return defaultModel;
        }
        // The first model that needs no caption (installed folders come before the bundled ones).
        return models.values().stream().filter(Installed::available)
                .filter(m -> m.tokenizer().captions() != ImageTokenizer.Captions.ENCODER_AND_DECODER)
                .map(Installed::name).findFirst()
                .orElseThrow(() -> new ImageModelUnavailableException("(default)",
                        "no image tokenizer is installed; put config.json + model.safetensors under <data-dir>/models/<name>/"));
    }

    @Override
    public void close() {
        models.values().stream().filter(Installed::available).forEach(m -> m.tokenizer().close());
        if (bundledDir != null) {
            try (Stream<Path> walk = Files.walk(bundledDir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                log.debug("could not remove {}", bundledDir, e);
            }
        }
    }
}
