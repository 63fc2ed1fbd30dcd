package dev.tessera.services.video;

import dev.tessera.services.config.TesseraProperties;
import dev.tessera.tokenizers.video.vqtoken.VisionTowerPatches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Vision towers (image encoders such as CLIP's or SigLIP's, exported to ONNX or TorchScript) the
 * user installed under {@code <data-dir>/models/<name>/}: the first choice of patch backbone for
 * video. One that does not load is listed as unavailable with the reason, never served.
 */
@Component
public class VisionTowers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VisionTowers.class);

    /** An installed tower: loaded, or the reason it is not. */
    public record Installed(String name, Path dir, VisionTowerPatches tower, String problem) {
        public boolean available() {
            return tower != null;
        }
    }

    private final List<Installed> towers = new ArrayList<>();

    public VisionTowers(TesseraProperties properties) {
        Path root = properties.dataDir().resolve("models");
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                if (VisionTowerPatches.isVisionTower(dir)) {
                    towers.add(load(dir, properties.video().device()));
                }
            }
        } catch (IOException e) {
            log.error("cannot list installed models under {}", root, e);
        }
    }

    private static Installed load(Path dir, String device) {
        String name = dir.getFileName().toString();
        try {
            VisionTowerPatches tower = VisionTowerPatches.load(name, dir, VisionTowerPatches.chooseDevice(dir, device));
            log.info("vision tower {} loaded from {} ({}, {} × {} patches of {} dimensions at {} px, {})", name, dir,
                    tower.engine(), tower.grid(), tower.grid(), tower.dimension(), tower.frameSize(), tower.device());
            return new Installed(name, dir, tower, null);
        } catch (RuntimeException e) {
            String problem = e.getMessage() == null ? e.toString() : e.getMessage();
            log.warn("vision tower {} unavailable: {}", name, problem);
            return new Installed(name, dir, null, problem);
        }
    }

    public List<Installed> all() {
        return List.copyOf(towers);
    }

    @Override
    public void close() {
        towers.stream().filter(Installed::available).forEach(t -> t.tower().close());
    }
}
