package dev.tessera.tokenizers.weights;

import java.io.IOException;
import java.nio.file.Path;

/** A model configuration that is malformed or does not describe the weights beside it; the message names the file. */
public class ModelConfigException extends IOException {

    public ModelConfigException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
