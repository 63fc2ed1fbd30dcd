package dev.tessera.services.images;

import dev.tessera.tokenizers.image.ImageTokenizer;
import java.nio.file.Path;

/** Knows one family of image tokenizer checkpoints: recognises their folders and loads them. */
public interface ImageTokenizerLoader {

    /** Whether the folder holds a checkpoint of this family (judged from its config.json). */
    boolean recognises(Path dir);

    ImageTokenizer load(String name, Path dir, String device) throws Exception;
}
