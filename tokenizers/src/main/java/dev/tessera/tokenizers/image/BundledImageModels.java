package dev.tessera.tokenizers.image;

import dev.tessera.tokenizers.BundledModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The image tokenizers shipped inside this module's jar ({@code tessera/models/<name>/config.json}
 * + {@code model.safetensors}, listed in {@code tessera/models/bundled.txt}): small models trained
 * by {@code tessera train titok}, so that a fresh service can tokenize images with no set-up.
 */
public final class BundledImageModels {

    private static final BundledModels MODELS = new BundledModels("image model", "bundled.txt",
            List.of("config.json", "model.safetensors"));

    private BundledImageModels() {}

    /** Names of the bundled models, in the order the list file gives them. */
    public static List<String> names() {
        return MODELS.names();
    }

    /** Copies model {@code name} into {@code parent/name/} and returns that folder. */
    public static Path extract(String name, Path parent) throws IOException {
        return MODELS.extract(name, parent);
    }
}
