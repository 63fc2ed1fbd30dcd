package dev.tessera.springai;

import dev.tessera.client.Model.EmbeddingsRequest;
import dev.tessera.client.TesseraClient;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/** Tessera's {@code /v1/embeddings} as a Spring AI {@link EmbeddingModel}; {@code model} null means the service's search model. */
public final class TesseraEmbeddingModel implements EmbeddingModel {

    private final TesseraClient client;
    private final String model;

    public TesseraEmbeddingModel(TesseraClient client, String model) {
        this.client = client;
        this.model = model;
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        Integer dimensions = request.getOptions() == null ? null : request.getOptions().getDimensions();
        String chosen = request.getOptions() != null && request.getOptions().getModel() != null
                ? request.getOptions().getModel() : model;
        List<float[]> vectors = client.embed(new EmbeddingsRequest(request.getInstructions(), chosen, dimensions, null));
        List<Embedding> out = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            out.add(new Embedding(vectors.get(i), i));
        }
        return new EmbeddingResponse(out);
    }

    @Override
    public float[] embed(Document document) {
        return client.embed(new EmbeddingsRequest(List.of(document.getText()), model, null, null)).get(0);
    }
}
