package dev.tessera.services.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.index.opensearch.OpenSearchSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** {@code tessera.index.*} and {@code tessera.opensearch.*}, bound as the application binds them. */
class IndexBackendPropertiesTest {

    private static TesseraProperties bind(Map<String, Object> properties) {
        var env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return Binder.get(env).bind("tessera", TesseraProperties.class).get();
    }

    @Test
    void defaultsAreTheEmbeddedIndexAndALocalClusterWithoutCredentials() {
        TesseraProperties p = bind(Map.of("tessera.data-dir", "somewhere"));
        assertThat(p.index().backend()).isEqualTo("embedded");

        OpenSearchSettings s = RetrievalConfiguration.openSearchSettings(p.opensearch());
        assertThat(s.hosts()).containsExactly(URI.create("http://localhost:9200"));
        assertThat(s.username()).isNull();
        assertThat(s.password()).isNull();
        assertThat(s.apiKey()).isNull();
        assertThat(s.trustStore()).isNull();
        assertThat(s.trustStorePassword()).isNull();
        assertThat(s.index()).isEqualTo("tessera");
        assertThat(s.shards()).isEqualTo(1);
        assertThat(s.replicas()).isEqualTo(1);
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.bulkConcurrency()).isEqualTo(4);
        assertThat(s.bulkDocuments()).isEqualTo(64);
        assertThat(s.retries()).isEqualTo(5);
        assertThat(s.retryBackoff()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void everyOpenSearchKeyBinds() {
        TesseraProperties p = bind(Map.ofEntries(
                Map.entry("tessera.index.backend", " OpenSearch "),
                Map.entry("tessera.opensearch.hosts", "https://os-1:9200,https://os-2:9200"),
                Map.entry("tessera.opensearch.username", "tessera"),
                Map.entry("tessera.opensearch.password", "secret"),
                Map.entry("tessera.opensearch.api-key", "aWQ6a2V5"),
                Map.entry("tessera.opensearch.trust-store", "/etc/tessera/ca.p12"),
                Map.entry("tessera.opensearch.trust-store-password", "changeit"),
                Map.entry("tessera.opensearch.index", "docs-v2"),
                Map.entry("tessera.opensearch.shards", "6"),
                Map.entry("tessera.opensearch.replicas", "2"),
                Map.entry("tessera.opensearch.connect-timeout", "2s"),
                Map.entry("tessera.opensearch.request-timeout", "1m"),
                Map.entry("tessera.opensearch.bulk-concurrency", "8"),
                Map.entry("tessera.opensearch.bulk-documents", "128"),
                Map.entry("tessera.opensearch.retries", "3"),
                Map.entry("tessera.opensearch.retry-backoff", "500ms")));
        assertThat(p.index().backend()).isEqualTo("opensearch");

        OpenSearchSettings s = RetrievalConfiguration.openSearchSettings(p.opensearch());
        assertThat(s).isEqualTo(new OpenSearchSettings(
                List.of(URI.create("https://os-1:9200"), URI.create("https://os-2:9200")), "tessera", "secret",
                "aWQ6a2V5", Path.of("/etc/tessera/ca.p12"), "changeit", "docs-v2", 6, 2, Duration.ofSeconds(2),
                Duration.ofMinutes(1), 8, 128, 3, Duration.ofMillis(500)));
    }

    @Test
    void anUnknownBackendStopsBindingNamingTheAllowedValues() {
        assertThatThrownBy(() -> bind(Map.of("tessera.index.backend", "bogus")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessage("tessera.index.backend: unknown backend 'bogus'; allowed: embedded, opensearch");
    }
}
