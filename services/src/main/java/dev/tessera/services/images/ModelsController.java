package dev.tessera.services.images;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tessera.retrieval.embed.DjlEmbedder;
import dev.tessera.retrieval.embed.ForwardingEmbedder;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.embeddings.EmbeddingModels;
import dev.tessera.services.rag.ChunkProjections;
import dev.tessera.services.rag.ContextTokenizers;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/models}: every model this service knows, with whether it can be served — embedding
 * models, image tokenizers, and the context tokenizers and projections of {@code /v1/rag/context}.
 */
@RestController
@Tag(name = "models")
public class ModelsController {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelView(String name, String kind, String status, String device, Long parameters,
                            Integer numTokens, Integer codebookSize, Integer imageSize, Integer dimension,
                            String problem) {}

    public record ModelList(List<ModelView> models) {}

    private final EmbeddingModels embeddings;
    private final ImageModels images;
    private final ContextTokenizers contextTokenizers;
    private final ChunkProjections projections;
    private final TesseraProperties properties;

    public ModelsController(EmbeddingModels embeddings, ImageModels images, ContextTokenizers contextTokenizers,
            ChunkProjections projections, TesseraProperties properties) {
        this.embeddings = embeddings;
        this.images = images;
        this.contextTokenizers = contextTokenizers;
        this.projections = projections;
        this.properties = properties;
    }

    @GetMapping("/v1/models")
    public ModelList list() {
        List<ModelView> out = new ArrayList<>();
        var loaded = embeddings.loaded();
        for (String name : embeddings.names()) {
            var model = loaded.get(name);
            String device = model != null && ForwardingEmbedder.innermost(model) instanceof DjlEmbedder djl
                    ? djl.device() : properties.embedding().device();
            out.add(new ModelView(name, "embedding", model != null ? "loaded" : "available",
                    device, null, null, null, null,
                    model != null ? model.dimension() : null, null));
        }
        for (ImageModels.Installed m : images.all()) {
            var t = m.tokenizer();
            out.add(m.available()
                    ? new ModelView(m.name(), "image-tokenizer", "available", t.device(), t.parameterCount(),
                            t.numTokens(), t.codebookSize(), t.imageSize(), null, null)
                    : new ModelView(m.name(), "image-tokenizer", "unavailable", null, null, null, null, null, null,
                            m.problem()));
        }
        for (String name : contextTokenizers.names()) {
            out.add(new ModelView(name, "context-tokenizer", "available", null, null, null, null, null, null, null));
        }
        for (ChunkProjections.Installed p : projections.all()) {
            out.add(p.available()
                    ? new ModelView(p.name(), "projection", "available", null, null, null, null, null,
                            p.projection().outputDimension(), null)
                    : new ModelView(p.name(), "projection", "unavailable", null, null, null, null, null, null,
                            p.problem()));
        }
        return new ModelList(out);
    }
}
