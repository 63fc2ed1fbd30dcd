package dev.tessera.tokenizers.image.titok;

import ai.djl.ndarray.NDArray;

/** Receives named intermediates of a forward pass (for conformance tests); the default does nothing. */
@FunctionalInterface
interface Probe {
    Probe NONE = (stage, value) -> {};

    void record(String stage, NDArray value);
}
