package dev.tessera.retrieval.embed;

import java.util.Locale;

/** How the per-token hidden states of a transformer become one vector. */
public enum Pooling {
    /** The first token's state ([CLS]), as BGE models are trained. */
    CLS,
    /** Mean over non-padding tokens, as sentence-transformers models are trained. */
    MEAN,
    /** The last non-padding token's state, as decoder-only LLM embedders are trained. */
    LAST_TOKEN;

    public static Pooling parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "cls" -> CLS;
            case "mean" -> MEAN;
            case "last_token", "last" -> LAST_TOKEN;
            default -> throw new IllegalArgumentException("unknown pooling '" + value + "' (cls, mean, last_token)");
        };
    }

    /**
     * Pools a {@code [batch, seq, hidden]} tensor given as a flat array. The mask marks real tokens;
     * padding is on the right.
     */
    float[][] pool(float[] hidden, int batch, int seq, int dim, long[][] mask) {
        float[][] out = new float[batch][dim];
        for (int b = 0; b < batch; b++) {
            int base = b * seq * dim;
            switch (this) {
                case CLS -> System.arraycopy(hidden, base, out[b], 0, dim);
                case LAST_TOKEN -> {
                    int last = 0;
                    for (int t = 0; t < seq; t++) {
                        if (mask[b][t] != 0) {
                            last = t;
                        }
                    }
                    System.arraycopy(hidden, base + last * dim, out[b], 0, dim);
                }
                case MEAN -> {
                    int n = 0;
                    for (int t = 0; t < seq; t++) {
                        if (mask[b][t] == 0) {
                            continue;
                        }
                        n++;
                        int off = base + t * dim;
                        for (int d = 0; d < dim; d++) {
                            out[b][d] += hidden[off + d];
                        }
                    }
                    if (n > 0) {
                        for (int d = 0; d < dim; d++) {
                            out[b][d] /= n;
                        }
                    }
                }
            }
        }
        return out;
    }
}
