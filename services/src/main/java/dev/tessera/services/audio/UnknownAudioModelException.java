package dev.tessera.services.audio;

import java.util.Collection;

/** No installed audio tokenizer has the requested name (or none is installed at all). */
public class UnknownAudioModelException extends RuntimeException {

    public UnknownAudioModelException(String name, Collection<String> installed) {
        super((name == null ? "no audio tokenizer is installed" : "audio model '" + name + "' is not installed")
                + "; installed: " + (installed.isEmpty() ? "none (put config.json + model.safetensors of an EnCodec "
                + "checkpoint under <data-dir>/models/<name>/)" : String.join(", ", installed)));
    }
}
