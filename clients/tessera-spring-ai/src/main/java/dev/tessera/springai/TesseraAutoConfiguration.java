package dev.tessera.springai;

import dev.tessera.client.TesseraClient;
import java.time.Duration;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;

/**
 * Boot auto-configuration: a {@link TesseraClient} from {@code tessera.client.*}, a {@link TesseraVectorStore}
 * over {@code tessera.client.collection}, and a {@link TesseraEmbeddingModel}, each unless the
 * application defines its own. {@code tessera.client.enabled=false} turns it all off.
 */
@AutoConfiguration
@EnableConfigurationProperties(TesseraAutoConfiguration.Properties.class)
@ConditionalOnProperty(prefix = "tessera.client", name = "enabled", havingValue = "true", matchIfMissing = true)
public class TesseraAutoConfiguration {

    /**
     * @param baseUrl    the service's root, without {@code /v1}
     * @param apiKey     sent as a bearer token; empty for a service without keys
     * @param collection the collection the vector store uses (created with {@code model} when missing)
     * @param model      the embedding model of a collection the store creates, and of the EmbeddingModel;
     *                   empty: the service's search model
     * @param timeout    one request's limit
     * @param maxRetries retries of a request answered 429 or 503
     */
    @ConfigurationProperties("tessera.client")
    public record Properties(@DefaultValue("http://localhost:8080") String baseUrl, @DefaultValue("") String apiKey,
                             @DefaultValue("spring-ai") String collection, @DefaultValue("") String model,
                             @DefaultValue("60s") Duration timeout, @DefaultValue("3") int maxRetries) {}

    @Bean
    @ConditionalOnMissingBean
    public TesseraClient tesseraClient(Properties p) {
        return TesseraClient.builder().baseUrl(p.baseUrl()).apiKey(p.apiKey().isEmpty() ? null : p.apiKey())
                .timeout(p.timeout()).maxRetries(p.maxRetries()).build();
    }

    @Bean
    @ConditionalOnMissingBean(VectorStore.class)
    public TesseraVectorStore tesseraVectorStore(TesseraClient client, Properties p) {
        return new TesseraVectorStore(client, p.collection(), p.model().isEmpty() ? null : p.model(), Duration.ofMinutes(10));
    }

    @Bean
    @ConditionalOnMissingBean(EmbeddingModel.class)
    public TesseraEmbeddingModel tesseraEmbeddingModel(TesseraClient client, Properties p) {
        return new TesseraEmbeddingModel(client, p.model().isEmpty() ? null : p.model());
    }
}
