package dev.tessera.retrieval.collection;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.index.VectorQuantization;
import dev.tessera.retrieval.index.VectorSimilarity;
import java.util.regex.Pattern;

/**
 * What a collection is: either {@code model} (Tessera embeds its text with that model) or client
 * vectors ({@code model} null: every document brings its vector of {@code dimension}).
 *
 * @param vectorEngine the embedded backend's vector structure (the OpenSearch backend ignores it)
 * @param quantization how the vector graph holds its vectors
 * @param oversample   candidates drawn from a quantised graph per result kept, then rescored exactly
 */
public record CollectionSettings(String name, String model, int dimension, VectorSimilarity similarity,
                                 VectorEngine vectorEngine, VectorQuantization quantization, double oversample) {

    /** The collection the top-level routes mean, created at first start with the configured model. */
    public static final String DEFAULT = "default";
    /** The model name recorded in the index of a collection whose vectors come from its clients. */
    public static final String CLIENT_VECTORS = "client-vectors";
    public static final int MAX_DIMENSION = 4096;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /** Float32 vectors, as every collection before quantisation existed. */
    public CollectionSettings(String name, String model, int dimension, VectorSimilarity similarity,
                              VectorEngine vectorEngine) {
        this(name, model, dimension, similarity, vectorEngine, VectorQuantization.NONE, 1.0);
    }

    public CollectionSettings {
        checkName(name);
        quantization = quantization == null ? VectorQuantization.NONE : quantization;
        oversample = quantization == VectorQuantization.NONE ? 1.0
                : VectorQuantization.checkOversample(oversample > 0 ? oversample : quantization.defaultOversample());
        VectorQuantization.check(quantization, vectorEngine, dimension);
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new InvalidRequestException(model == null ? "vectors.dimension" : "model",
                    "dimension must be between 1 and " + MAX_DIMENSION + ", not " + dimension);
        }
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static void checkName(String name) {
        if (!isValidName(name)) {
            throw new InvalidRequestException("name", "a collection name is 1-64 characters of a-z, 0-9, '_' and '-',"
                    + " starting with a letter or digit");
        }
    }

    public boolean clientVectors() {
        return model == null;
    }

    /** The model name the index records. */
    public String indexModel() {
        return model == null ? CLIENT_VECTORS : model;
    }
}
