package dev.tessera.services.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.services.TesseraServer;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.embeddings.EmbeddingModels;
import dev.tessera.services.images.ImageModels;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** Readiness goes DOWN when the index is closed or the configured image model cannot be served. */
class ServingHealthIndicatorTest {

    @TempDir
    Path dir;

    final EmbeddingModels embeddings = TesseraServer.shared().context().getBean(EmbeddingModels.class);
    final ImageModels images = TesseraServer.shared().context().getBean(ImageModels.class);

    static TesseraProperties properties(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("tessera", TesseraProperties.class);
    }

    @Test
    void aClosedIndexIsNotReady() {
        LuceneDocumentIndex index = LuceneDocumentIndex.open(dir, "bge-small-en-v1.5", 384, VectorEngine.LUCENE);
        ServingHealthIndicator indicator = new ServingHealthIndicator(index, embeddings, images, properties(Map.of()));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        index.close();
        Health down = indicator.health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(down.getDetails().get("index").toString()).startsWith("not open");
    }

    @Test
    void aConfiguredImageModelThatCannotBeServedIsNotReady() {
        try (LuceneDocumentIndex index = LuceneDocumentIndex.open(dir, "bge-small-en-v1.5", 384, VectorEngine.LUCENE)) {
            Health health = new ServingHealthIndicator(index, embeddings, images,
                    properties(Map.of("tessera.images.default-model", "titok-truncated"))).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("image_model").toString()).contains("titok-truncated");
        }
    }
}
