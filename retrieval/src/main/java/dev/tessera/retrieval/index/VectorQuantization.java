package dev.tessera.retrieval.index;

import dev.tessera.retrieval.InvalidRequestException;
import java.util.Locale;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene102.Lucene102HnswBinaryQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

/**
 * How a collection's HNSW graph holds its vectors. Quantised graphs are searched on compact codes
 * and the best {@code k × oversample} candidates are rescored exactly on the float vectors, which
 * stay on disk beside the codes (read only for those candidates), so the memory a search touches
 * shrinks while the final ranking is exact.
 */
public enum VectorQuantization {
    /** float32 in the graph. */
    NONE(0, 1.0),
    /** Lucene's scalar quantisation to 7-bit integers, one byte per dimension (about 4× smaller). */
    INT8(7, 2.0),
    /** Scalar quantisation to 4 bits, two dimensions per byte (about 8× smaller). */
    INT4(4, 3.0),
    /** One bit per dimension with per-vector corrections (Lucene's RaBitQ-style format, about 32× smaller). */
    BINARY(1, 5.0);

    private final int bits;
    private final double defaultOversample;

    VectorQuantization(int bits, double defaultOversample) {
        this.bits = bits;
        this.defaultOversample = defaultOversample;
    }

    /** Bits per dimension in the graph's codes; 0 for float32. */
    public int bits() {
        return bits;
    }

    /** Candidates fetched per result kept when the collection names no oversample. */
    public double defaultOversample() {
        return defaultOversample;
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws InvalidRequestException naming {@code quantization} for anything but none, int8, int4, binary */
    public static VectorQuantization parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("quantization", "quantization must be none, int8, int4 or binary, not '"
                    + value + "'");
        }
    }

    /**
     * Checks that an index can hold vectors quantised this way: hnswlib keeps float32 only, and Lucene
     * packs 4-bit codes in pairs and refuses odd dimensions for them; so does Tessera, up front.
     */
    public static void check(VectorQuantization quantization, VectorEngine engine, int dimension) {
        if (quantization != NONE && engine == VectorEngine.HNSWLIB) {
            throw new InvalidRequestException("quantization", "quantized vectors need the lucene vector engine;"
                    + " hnswlib keeps float32 only");
        }
        if (quantization == INT4 && dimension % 2 != 0) {
            throw new InvalidRequestException("quantization", "int4 needs an even dimension, not " + dimension
                    + "; use int8 or binary");
        }
    }

    /** Checks an oversample factor: 1 (no extra candidates) to 100. */
    public static double checkOversample(double oversample) {
        if (!(oversample >= 1 && oversample <= 100)) {
            throw new InvalidRequestException("oversample", "oversample must be between 1 and 100, not " + oversample);
        }
        return oversample;
    }

    /**
     * Lucene's per-field vector format for this quantisation, with the graph parameters Tessera uses
     * everywhere; 4-bit codes packed two per byte.
     */
    KnnVectorsFormat luceneFormat(int dimension) {
        int m = Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN;
        int beam = Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH;
        return switch (this) {
            case NONE -> new Lucene99HnswVectorsFormat(m, beam);
            case INT8 -> new Lucene99HnswScalarQuantizedVectorsFormat(m, beam, 1, 7, false, null, null);
            case INT4 -> new Lucene99HnswScalarQuantizedVectorsFormat(m, beam, 1, 4, true, null, null);
            case BINARY -> new Lucene102HnswBinaryQuantizedVectorsFormat(m, beam);
        };
    }
}
