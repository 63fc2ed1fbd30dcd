package dev.tessera.services.audio;

import dev.tessera.services.config.TesseraProperties;
import dev.tessera.tokenizers.audio.encodec.EncodecModel;
import java.io.IOException;
import dev.tessera.tokenizers.weights.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Audio tokenizers installed under {@code <data-dir>/models/<name>/}: folders whose
 * {@code config.json} says {@code "model_type": "encodec"} (the hub's layout, with
 * {@code model.safetensors} in the hub's or the original package's names). A folder without
 * weights, or whose weights do not load, is listed as unavailable with the reason — never served
 * with random weights. Then the codecs bundled in the tokenizers jar ({@code tessera.audio.bundled}).
 */
@Component
public class AudioModels implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AudioModels.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An installed (or bundled) model: loaded, or the reason it is not. */
    public record Installed(String name, Path dir, EncodecModel model, String problem, boolean bundled) {
        public boolean available() {
            return model != null;
        }
    }

    private final List<Installed> models = new ArrayList<>();
    private final String defaultModel;
    private Path bundledDir;   // where the jar's models were unpacked, removed on close

    public AudioModels(TesseraProperties properties) {
        this.defaultModel = properties.audio().defaultModel();
        Path root = properties.dataDir().resolve("models");
        if (Files.isDirectory(root)) {
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                    if (isEncodec(dir)) {
                        models.add(load(dir, properties.audio().device(), false));
                    }
                }
            } catch (IOException e) {
                log.error("cannot list installed models under {}", root, e);
            }
        }
        if (properties.audio().bundled()) {
            installBundled(properties.audio().device());
        }
    }

    /** The codecs shipped in the jar, unless a folder of the same name is installed (which wins); after the installed ones. */
    private void installBundled(String device) {
        List<String> names = dev.tessera.tokenizers.audio.BundledAudioModels.names().stream()
                .filter(n -> models.stream().noneMatch(m -> m.name().equals(n))).toList();
        if (names.isEmpty()) {
            return;
        }
        try {
            bundledDir = Files.createTempDirectory("tessera-bundled-audio");
            for (String name : names) {
                models.add(load(dev.tessera.tokenizers.audio.BundledAudioModels.extract(name, bundledDir), device, true));
            }
        } catch (IOException e) {
            log.error("cannot unpack the bundled audio models", e);
        }
    }

    static boolean isEncodec(Path dir) {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            return false;
        }
        try {
            JsonNode root = JSON.readTree(Files.readString(config));
            return "encodec".equals(root.path("model_type").asString(""));
        } catch (IOException | RuntimeException e) {
            return false;   // not ours to report: another loader may claim a broken config
        }
    }

    private static Installed load(Path dir, String device, boolean bundled) {
        String name = dir.getFileName().toString();
        if (WeightsFile.find(dir).isEmpty()) {
            String problem = "no weights in " + dir + " (one of " + String.join(", ", WeightsFile.FILE_NAMES) + ")";
            log.warn("audio model {} unavailable: {}", name, problem);
            return new Installed(name, dir, null, problem, bundled);
        }
        try {
            EncodecModel model = EncodecModel.load(dir, device);
            log.info("audio model {} loaded from {} ({} Hz, {} frames/s, up to {} codebooks of {}, {} parameters, {})",
                    name, dir, model.sampleRate(), model.frameRate(), model.maxCodebooks(), model.codebookSize(),
                    model.parameterCount(), model.device());
            return new Installed(name, dir, model, null, bundled);
        } catch (Exception e) {
            String problem = e.getMessage() == null ? e.toString() : e.getMessage();
            log.warn("audio model {} unavailable: {}", name, problem);
            return new Installed(name, dir, null, problem, bundled);
        }
    }

    public List<Installed> all() {
        return List.copyOf(models);
    }

    /**
     * The named model, or the default one for a blank name.
     *
     * @throws UnknownAudioModelException when none has that name (or none is installed)
     * @throws AudioModelUnavailableException when it is installed but cannot be served
     */
    public Installed require(String name) {
        String wanted = name == null || name.isBlank() ? defaultModel : name;
        Optional<Installed> found = wanted.isBlank()
                ? models.stream().filter(Installed::available).findFirst()
                : models.stream().filter(m -> m.name().equals(wanted)).findFirst();
        Installed m = found.orElseThrow(() -> new UnknownAudioModelException(
                wanted.isBlank() ? null : wanted, models.stream().map(Installed::name).toList()));
        if (!m.available()) {
            throw new AudioModelUnavailableException(m.name(), m.problem());
        }
        return m;
    }

    @Override
    public void close() {
        models.stream().filter(Installed::available).forEach(m -> m.model().close());
        if (bundledDir != null) {
            try (Stream<Path> files = Files.walk(bundledDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                log.debug("could not remove {}", bundledDir, e);
            }
        }
    }
}
