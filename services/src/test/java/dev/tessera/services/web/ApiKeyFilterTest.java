package dev.tessera.services.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.web.ApiKeyFilter.Access;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

class ApiKeyFilterTest {

    static TesseraProperties properties(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("tessera", TesseraProperties.class);
    }

    static MockHttpServletResponse run(ApiKeyFilter filter, String method, String path, String authorization)
            throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setServletPath(path);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }

    @Test
    void theEnvironmentVariableFormBindsAsACommaSeparatedList() {
        var env = new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of("TESSERA_SECURITY_APIKEYS", "k1,k2", "TESSERA_SECURITY_PROTECTREADS", "true"));
        TesseraProperties bound = new Binder(ConfigurationPropertySources.from(env))
                .bindOrCreate("tessera", TesseraProperties.class);
        assertThat(bound.security().apiKeys()).containsExactly("k1", "k2");
        assertThat(bound.security().protectReads()).isTrue();
    }

    @Test
    void withoutKeysEverythingIsOpen() throws Exception {
        TesseraProperties open = properties(Map.of());
        assertThat(open.security().apiKeys()).isEmpty();
        assertThat(open.security().protectReads()).isFalse();
        ApiKeyFilter filter = new ApiKeyFilter(open, JsonMapper.builder().build());
        assertThat(run(filter, "DELETE", "/v1/documents/x", null).getStatus()).isEqualTo(200);
        assertThat(run(filter, "GET", "/actuator/prometheus", null).getStatus()).isEqualTo(200);
    }

    @Test
    void computationsAreReadsAndEverythingElseThatIsNotSafeIsAWrite() {
        assertThat(ApiKeyFilter.classify("POST", "/v1/search")).isEqualTo(Access.READ);
        assertThat(ApiKeyFilter.classify("POST", "/v1/rag/context")).isEqualTo(Access.READ);
        assertThat(ApiKeyFilter.classify("POST", "/v1/embeddings")).isEqualTo(Access.READ);
        assertThat(ApiKeyFilter.classify("POST", "/v1/tokenize/image")).isEqualTo(Access.READ);
        assertThat(ApiKeyFilter.classify("POST", "/v1/detokenize/image")).isEqualTo(Access.READ);
        assertThat(ApiKeyFilter.classify("GET", "/v1/documents/a")).isEqualTo(Access.READ);
        assertThat(ApiKeyFilter.classify("POST", "/v1/documents")).isEqualTo(Access.WRITE);
        assertThat(ApiKeyFilter.classify("POST", "/v1/documents/bulk")).isEqualTo(Access.WRITE);
        assertThat(ApiKeyFilter.classify("DELETE", "/v1/documents/a")).isEqualTo(Access.WRITE);
        assertThat(ApiKeyFilter.classify("PUT", "/v1/search")).isEqualTo(Access.WRITE);
        assertThat(ApiKeyFilter.classify("PATCH", "/v1/anything")).isEqualTo(Access.WRITE);
        assertThat(ApiKeyFilter.classify("GET", "/v1/admin/stats")).isEqualTo(Access.ADMIN);
        assertThat(ApiKeyFilter.classify("POST", "/v1/collections/papers/merge")).isEqualTo(Access.ADMIN);
        assertThat(ApiKeyFilter.classify("GET", "/admin")).isEqualTo(Access.OPEN); // the page; its data is /v1/admin
        assertThat(ApiKeyFilter.classify("GET", "/admin/admin.js")).isEqualTo(Access.OPEN);
        assertThat(ApiKeyFilter.classify("POST", "/admin")).isEqualTo(Access.ADMIN);
        assertThat(ApiKeyFilter.classify("GET", "/actuator/prometheus")).isEqualTo(Access.ADMIN);
        assertThat(ApiKeyFilter.classify("GET", "/actuator/health/readiness")).isEqualTo(Access.OPEN);
        assertThat(ApiKeyFilter.classify("GET", "/actuator/healthz")).isEqualTo(Access.ADMIN);
    }

    @Test
    void protectReadsClosesReadsButNotHealth() throws Exception {
        ApiKeyFilter filter = new ApiKeyFilter(properties(Map.of("tessera.security.api-keys", "only-key",
                "tessera.security.protect-reads", "true")), JsonMapper.builder().build());
        MockHttpServletResponse refused = run(filter, "POST", "/v1/search", null);
        assertThat(refused.getStatus()).isEqualTo(401);
        assertThat(refused.getContentType()).isEqualTo("application/problem+json");
        assertThat(refused.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"tessera\"");
        assertThat(refused.getContentAsString()).contains("\"status\":401").contains("\"instance\":\"/v1/search\"");
        assertThat(run(filter, "GET", "/v1/documents/a", "Bearer nope").getStatus()).isEqualTo(403);
        assertThat(run(filter, "GET", "/v1/documents/a", "Bearer only-key").getStatus()).isEqualTo(200);
        assertThat(run(filter, "GET", "/actuator/health", null).getStatus()).isEqualTo(200);
    }

    @Test
    void blankKeysAreIgnoredAndKeysAreTrimmed() throws Exception {
        ApiKeyFilter filter = new ApiKeyFilter(properties(Map.of("tessera.security.api-keys", " , a-key ")),
                JsonMapper.builder().build());
        assertThat(run(filter, "POST", "/v1/documents", "Bearer a-key").getStatus()).isEqualTo(200);
        assertThat(run(filter, "POST", "/v1/documents", "Bearer ").getStatus()).isEqualTo(401);
        assertThat(ApiKeyFilter.bearerToken("Bearer   spaced  ")).isEqualTo("spaced");
        assertThat(ApiKeyFilter.bearerToken("Token abc")).isNull();
    }
}
