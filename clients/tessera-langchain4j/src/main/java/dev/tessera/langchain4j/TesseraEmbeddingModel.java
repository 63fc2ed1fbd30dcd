package dev.tessera.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.tessera.client.Model.EmbeddingsRequest;
import dev.tessera.client.TesseraClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Tessera's {@code /v1/embeddings} as a LangChain4j {@link EmbeddingModel}. {@code model} null means the
 * service's search model; {@code query} true embeds with the model's query instruction (for texts
 * that will search rather than be found); {@code dimensions} truncates Matryoshka-style.
 */
public final class TesseraEmbeddingModel implements EmbeddingModel {

    private static final int BATCH = 256;

    private final TesseraClient client;
    private final String model;
    private final Integer dimensions;
    private final boolean query;
    private volatile Integer dimension;

    public TesseraEmbeddingModel(TesseraClient client, String model, Integer dimensions, boolean query) {
        this.client = client;
        this.model = model;
        this.dimensions = dimensions;
        this.query = query;
        this.dimension = dimensions;
    }

    public TesseraEmbeddingModel(TesseraClient client, String model) {
        this(client, model, null, false);
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<Embedding> out = new ArrayList<>(segments.size());
        for (int from = 0; from < segments.size(); from += BATCH) {
            List<String> texts = segments.subList(from, Math.min(segments.size(), from + BATCH)).stream()
                    .map(TextSegment::text).toList();
            for (float[] v : client.embed(new EmbeddingsRequest(texts, model, dimensions, query ? "query" : null))) {
                out.add(Embedding.from(v));
            }
        }
        return Response.from(out);
    }

    @Override
    public int dimension() {
        Integer d = dimension;
        if (d == null) {
            d = client.embed(new EmbeddingsRequest(List.of("dimension"), model, dimensions, null)).get(0).length;
            dimension = d;
        }
        return d;
    }

    @Override
    public String modelName() {
        return model;
    }
}
