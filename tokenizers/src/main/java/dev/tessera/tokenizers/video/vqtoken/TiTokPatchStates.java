package dev.tessera.tokenizers.video.vqtoken;

import dev.tessera.tokenizers.image.titok.TiTokTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * A learned backbone: the patch states of a TiTok encoder (its ViT output at the patch positions,
 * after ln_post), frames batched 16 at a time. Frames are the encoder's image size, the grid its
 * patch grid; the tokenizer is borrowed, not closed here.
 */
public final class TiTokPatchStates implements PatchEmbedder {

    private static final int BATCH = 16;
    private final String modelName;
    private final TiTokTokenizer tokenizer;

    public TiTokPatchStates(String modelName, TiTokTokenizer tokenizer) {
        this.modelName = modelName;
        this.tokenizer = tokenizer;
    }

    @Override
    public String name() {
        return "titok-patch-states (" + modelName + ")";
    }

    @Override
    public int frameSize() {
        return tokenizer.imageSize();
    }

    @Override
    public int grid() {
        return tokenizer.config().encoderGrid();
    }

    @Override
    public int dimension() {
        return tokenizer.config().encoder().width();
    }

    @Override
    public List<float[]> embed(List<float[]> frames) {
        List<float[]> out = new ArrayList<>(frames.size());
        for (int from = 0; from < frames.size(); from += BATCH) {
            out.addAll(tokenizer.patchStates(frames.subList(from, Math.min(frames.size(), from + BATCH))));
        }
        return out;
    }
}
