package dev.tessera.tokenizers.image;

import java.util.List;
import java.util.Optional;

/**
 * A frozen text model whose per-token states ({@code last_hidden_state}, not the pooled vector)
 * condition an image tokenizer on a caption, as CLIP's text tower does for TA-TiTok. Implementations
 * live where the text models do (the retrieval module's sentence encoders) and are found through
 * {@link Provider} with {@link java.util.ServiceLoader}, so this module does not depend on them.
 */
public interface CaptionEncoder {

    /** The text model's name, as a model's config.json records it (e.g. bge-small-en-v1.5). */
    String name();

    /** Width of one token state. */
    int dimension();

    /**
     * Per caption, its first {@code length} token states (special tokens included) as one
     * row-major {@code [length × dimension]} array; rows past the caption's last token are zero,
     * so a short caption and its padded form condition the tokenizer identically.
     */
    List<float[]> encode(List<String> captions, int length);

    /** Opens caption encoders by name; registered in {@code META-INF/services}. */
    interface Provider {
        Optional<CaptionEncoder> open(String name);
    }

    /** Resolves the text model a caption-conditioned checkpoint names; null name = the checkpoint does not say. */
    @FunctionalInterface
    interface Resolver {
        Optional<CaptionEncoder> resolve(String name);

        /** The first registered {@link Provider} that knows the name. */
        static Resolver serviceLoader() {
            return name -> {
                if (name == null) {
                    return Optional.empty();
                }
                for (Provider p : java.util.ServiceLoader.load(Provider.class)) {
                    Optional<CaptionEncoder> e = p.open(name);
                    if (e.isPresent()) {
                        return e;
                    }
                }
                return Optional.empty();
            };
        }
    }
}
