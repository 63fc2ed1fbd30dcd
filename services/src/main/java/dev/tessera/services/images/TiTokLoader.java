package dev.tessera.services.images;

import dev.tessera.retrieval.embed.DjlEmbedder;
import dev.tessera.retrieval.embed.ForwardingEmbedder;
import dev.tessera.retrieval.embed.SentenceEncoderCaptions;
import dev.tessera.services.embeddings.EmbeddingModels;
import dev.tessera.tokenizers.image.CaptionEncoder;
import dev.tessera.tokenizers.image.ImageTokenizer;
import dev.tessera.tokenizers.image.titok.TiTokTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * TiTok checkpoints: a config.json in the hub's OmegaConf schema ({@code model.vq_model}) or in
 * the explicit form (encoder / decoder / quantizer spelled out). A caption-conditioned one reads
 * captions with the embedding model its config names, the same instance that serves
 * {@code /v1/embeddings} (loaded on first need).
 */
@Component
public class TiTokLoader implements ImageTokenizerLoader {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final EmbeddingModels embeddings;

    public TiTokLoader(EmbeddingModels embeddings) {
        this.embeddings = embeddings;
    }

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
        return TiTokTokenizer.load(dir, device, this::captionEncoder);
    }

    private Optional<CaptionEncoder> captionEncoder(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return ForwardingEmbedder.innermost(embeddings.get(name)) instanceof DjlEmbedder djl
                    ? Optional.of(new SentenceEncoderCaptions(djl)) : Optional.empty();
        } catch (dev.tessera.services.embeddings.UnknownModelException unknown) {
            return Optional.empty();
        }
    }
}
