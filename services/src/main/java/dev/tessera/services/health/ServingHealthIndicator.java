package dev.tessera.services.health;

import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.IndexStats;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.embeddings.EmbeddingModels;
import dev.tessera.services.images.ImageModels;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Whether this instance can answer requests: the index is open and readable, the search model is
 * loaded, and the image model named by {@code tessera.images.default-model} (when one is named) is
 * available. It is in the readiness group ({@code /actuator/health/readiness}), so a load balancer
 * sends no traffic before start-up has finished or after the index has been closed for shutdown.
 * An instance without any image model is ready: image tokenization is optional until configured.
 */
@Component("serving")
public class ServingHealthIndicator implements HealthIndicator {

    private final DocumentIndex index;
    private final EmbeddingModels embeddings;
    private final ImageModels images;
    private final String defaultImageModel;

    public ServingHealthIndicator(DocumentIndex index, EmbeddingModels embeddings, ImageModels images,
            TesseraProperties properties) {
        this.index = index;
        this.embeddings = embeddings;
        this.images = images;
        this.defaultImageModel = properties.images().defaultModel();
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean up = true;
        try {
            IndexStats stats = index.stats();
            details.put("index", Map.of("documents", stats.documents(), "chunks", stats.chunks(),
                    "vector_engine", stats.vectorEngine()));
        } catch (dev.tessera.retrieval.index.IndexUnavailableException e) {
            up = false; // a remote index that does not answer
            details.put("index", "unavailable: " + e.getMessage());
        } catch (RuntimeException e) {
            up = false; // closed (shutting down) or unreadable
            details.put("index", "not open: " + e.getClass().getSimpleName());
        }
        boolean searchModel = embeddings.searchModelLoaded();
        up &= searchModel;
        details.put("search_model", embeddings.searchModelName() + (searchModel ? " loaded" : " not loaded"));
        if (!defaultImageModel.isBlank()) {
            try {
                images.get(defaultImageModel);
                details.put("image_model", defaultImageModel + " loaded");
            } catch (RuntimeException e) {
                up = false;
                details.put("image_model", e.getMessage());
            }
        }
        return (up ? Health.up() : Health.down()).withDetails(details).build();
    }
}
