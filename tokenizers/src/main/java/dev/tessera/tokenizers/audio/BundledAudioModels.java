package dev.tessera.tokenizers.audio;

import dev.tessera.tokenizers.BundledModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The audio codecs shipped inside this module's jar (the hub layout: {@code config.json},
 * {@code preprocessor_config.json}, {@code model.safetensors}, listed in
 * {@code tessera/models/audio.txt}): small EnCodec models trained by {@code tessera train encodec},
 * so that a fresh service can tokenize audio with no set-up.
 */
public final class BundledAudioModels {

    private static final BundledModels MODELS = new BundledModels("audio model", "audio.txt",
            List.of("config.json", "preprocessor_config.json", "model.safetensors"));

    private BundledAudioModels() {}

    public static List<String> names() {
        return MODELS.names();
    }

    /** Copies model {@code name} into {@code parent/name/} and returns that folder. */
    public static Path extract(String name, Path parent) throws IOException {
        return MODELS.extract(name, parent);
    }
}
