package dev.tessera.services.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.tessera.services.web.ApiKeyFilter;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description at {@code /v3/api-docs} (and Swagger UI at {@code /swagger-ui.html}).
 * Schemas are derived from the controllers' records; this adds what springdoc cannot see: the
 * wire's snake_case names, the RFC 9457 problem responses every endpoint can give, and which
 * operations take an API key.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

    public static final String PROBLEM_JSON = "application/problem+json";
    static final String PROBLEM_SCHEMA = "Problem";
    static final String BEARER = "apiKey";

    @Bean
    OpenAPI tesseraOpenApi() {
        return new OpenAPI().info(new Info().title("Tessera").version("v1")
                .description("Image tokens, embeddings, hybrid search and RAG context over HTTP. Every error is an "
                        + "RFC 9457 application/problem+json document naming the request field at fault in `field`.")
                .license(new License().name("See the repository")));
    }

    /**
     * springdoc describes models with swagger-core, which uses its own Jackson 2 mapper and so does
     * not see {@code spring.jackson.property-naming-strategy}: without this the schemas would say
     * {@code budgetTokens} where the wire says {@code budget_tokens}.
     */
    @Bean
    ModelResolver snakeCaseModelResolver() {
        return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    }

    /**
     * Adds the problem responses that follow from an operation's shape (a body can be malformed,
     * too large or of the wrong type; a path id can be unknown; anything can fail), and gives every
     * error response, declared here or by an {@code @ApiResponse}, the problem+json schema.
     */
    @Bean
    GlobalOpenApiCustomizer problemResponses() {
        return openApi -> {
            openApi.getComponents().addSchemas(PROBLEM_SCHEMA, problemSchema());
            openApi.getComponents().addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                    .scheme("bearer").description("A key of tessera.security.api-keys, when the server has any"));
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                    addProblems(path, method, operation)));
        };
    }

    private static void addProblems(String path, PathItem.HttpMethod method, Operation operation) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        Map<String, String> errors = new TreeMap<>();
        if (operation.getRequestBody() != null) {
            errors.put("400", "Invalid request: malformed or truncated body, a field of the wrong type, an unknown "
                    + "field, or a value out of range (`field` names it)");
            errors.put("413", "The body is over the configured size limit");
            errors.put("415", "A content type this endpoint does not take");
        } else if (operation.getParameters() != null && !operation.getParameters().isEmpty()) {
            errors.put("400", "Invalid request parameter (`field` names it)");
        }
        if (path.contains("{")) {
            errors.put("404", "Nothing with that id");
        }
        ApiKeyFilter.Access access = ApiKeyFilter.classify(method.name(), path);
        if (access != ApiKeyFilter.Access.OPEN) {
            String when = access == ApiKeyFilter.Access.READ
                    ? "when the server has API keys and tessera.security.protect-reads=true"
                    : "when the server has API keys (tessera.security.api-keys)";
            errors.put("401", "No `Authorization: Bearer <key>`, " + when);
            errors.put("403", "An unknown API key, " + when);
            // Either a key, or nothing on a server without keys.
            operation.setSecurity(List.of(new SecurityRequirement().addList(BEARER), new SecurityRequirement()));
        }
        if (path.startsWith("/v1/documents") || path.equals("/v1/search") || path.equals("/v1/rag/context")) {
            errors.put("503", "OpenSearch backend: the cluster cannot answer now (`Retry-After`), or it refused some "
                    + "documents of a write after its retries (`failed` names them; the others were stored)");
        }
        errors.put("500", "The server failed to answer; details are in its log, not in the response");
        errors.forEach((code, description) -> {
            if (!responses.containsKey(code)) {
                responses.addApiResponse(code, new ApiResponse().description(description));
            }
        });
        ApiResponses sorted = new ApiResponses();
        new TreeMap<>(responses).forEach((code, response) -> {
            if (code.matches("[45]\\d\\d")) {
                response.setContent(new Content().addMediaType(PROBLEM_JSON,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM_SCHEMA))));
            }
            sorted.addApiResponse(code, response);
        });
        operation.setResponses(sorted);
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema().description("RFC 9457 problem details")
                .addProperty("type", new StringSchema().format("uri").example("about:blank"))
                .addProperty("title", new StringSchema().example("Invalid request"))
                .addProperty("status", new IntegerSchema().example(400))
                .addProperty("detail", new StringSchema().example("k must be between 1 and 1000"))
                .addProperty("instance", new StringSchema().format("uri-reference").example("/v1/search"))
                .addProperty("field", new StringSchema().description("the request field at fault, for client errors")
                        .example("k"))
                .addProperty("accepted", new ArraySchema().items(new StringSchema())
                        .description("415 only: the content types the endpoint reads").example(List.of("application/json")));
    }
}
