package dev.tessera.services.images;

import dev.tessera.tokenizers.image.ImageTokenizer;
import dev.tessera.tokenizers.image.titok.TiTokTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * TiTok checkpoints: a config.json in the hub's OmegaConf schema ({@code model.vq_model}) or in
 * the explicit form (encoder / decoder / quantizer spelled out).
 */
@Component
public class TiTokLoader implements ImageTokenizerLoader {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public boolean recognises(Path dir) {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            return false;
        }
        try {
            JsonNode root = JSON.readTree(Files.readString(config));
            return root.path("model").has("vq_model") || (root.has("encoder") && root.has("quantizer"));
        } catch (IOException | RuntimeException e) {
            return true; // claim it, so the broken config is reported instead of silently skipped
        }
    }

    @Override
    public ImageTokenizer load(String name, Path dir, String device) throws Exception {
        return TiTokTokenizer.load(dir, device);
    }
}
