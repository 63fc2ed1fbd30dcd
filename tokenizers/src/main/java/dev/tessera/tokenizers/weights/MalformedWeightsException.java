package dev.tessera.tokenizers.weights;

import java.io.IOException;
import java.nio.file.Path;

/** A weights file that cannot be read as what it claims to be; the message names the file. */
public class MalformedWeightsException extends IOException {

    public MalformedWeightsException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
