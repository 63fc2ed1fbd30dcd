package dev.tessera.retrieval.embed;

import dev.tessera.tokenizers.image.CaptionEncoder;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Captions for text-conditioned image tokenizers, read by one of the sentence encoders served
 * here: the per-token states of its last layer, as TA-TiTok takes CLIP's text states. The
 * {@link Provider} (registered in META-INF/services) opens a built-in model by name or alias.
 */
public final class SentenceEncoderCaptions implements CaptionEncoder {

    private final DjlEmbedder embedder;

    public SentenceEncoderCaptions(DjlEmbedder embedder) {
        this.embedder = embedder;
    }

    @Override
    public String name() {
        return embedder.name();
    }

    @Override
    public int dimension() {
        return embedder.dimension();
    }

    @Override
    public List<float[]> encode(List<String> captions, int length) {
        return embedder.tokenStates(captions, length);
    }

    /** Built-in sentence encoders by name or alias, on CPU or CUDA as the engine sees fit; one instance per name. */
    public static final class Provider implements CaptionEncoder.Provider {
        private static final java.util.Map<String, SentenceEncoderCaptions> OPEN = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Optional<CaptionEncoder> open(String name) {
            String wanted = name.toLowerCase(Locale.ROOT);
            return EmbeddingModelSpec.builtIns().stream()
                    .filter(s -> s.name().equalsIgnoreCase(wanted)
                            || s.aliases().stream().anyMatch(a -> a.equalsIgnoreCase(wanted)))
                    .findFirst()
                    .map(spec -> OPEN.computeIfAbsent(spec.name(),
                            n -> new SentenceEncoderCaptions(DjlEmbedder.load(spec, "auto", 1, 64))));
        }
    }
}
