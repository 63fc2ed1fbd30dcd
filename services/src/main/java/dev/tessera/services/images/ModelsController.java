package dev.tessera.services.images;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.tags.Tag;
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

    private final ModelCatalog catalog;

    public ModelsController(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/v1/models")
    public ModelList list() {
        return new ModelList(catalog.all());
    }
}
