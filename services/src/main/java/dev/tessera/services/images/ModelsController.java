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

    /**
     * @param captions       image tokenizers: {@code none}, {@code decoder} (detokenize reads one, TA-TiTok)
     *                       or {@code required} (trained with captions: tokenize and detokenize need one)
     * @param captionEncoder the text model that reads the captions
     * @param source         image tokenizers: {@code installed} under the data directory or {@code bundled} in the jar
     * @param sampleRate     audio tokenizers: the rate audio is resampled to
     * @param frameRate      audio tokenizers: code frames per second
     * @param numCodebooks   audio tokenizers: most codebooks (at the highest bandwidth)
     * @param bandwidthsKbps audio tokenizers: the bandwidths a request may ask for
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelView(String name, String kind, String status, String device, Long parameters,
                            Integer numTokens, Integer codebookSize, Integer imageSize, Integer dimension,
                            String problem, String captions, String captionEncoder, String source,
                            Integer sampleRate, Double frameRate, Integer numCodebooks, List<Double> bandwidthsKbps) {

        public ModelView(String name, String kind, String status, String device, Long parameters, Integer numTokens,
                         Integer codebookSize, Integer imageSize, Integer dimension, String problem) {
            this(name, kind, status, device, parameters, numTokens, codebookSize, imageSize, dimension, problem,
                    null, null, null);
        }

        public ModelView(String name, String kind, String status, String device, Long parameters, Integer numTokens,
                         Integer codebookSize, Integer imageSize, Integer dimension, String problem, String captions,
                         String captionEncoder, String source) {
            this(name, kind, status, device, parameters, numTokens, codebookSize, imageSize, dimension, problem,
                    captions, captionEncoder, source, null, null, null, null);
        }
    }

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
