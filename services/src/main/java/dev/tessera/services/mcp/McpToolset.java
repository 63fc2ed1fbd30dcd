package dev.tessera.services.mcp;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.services.collections.CollectionsController;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.documents.DocumentsController;
import dev.tessera.services.rag.RagContextController;
import dev.tessera.services.search.SearchController;
import dev.tessera.services.web.JsonFault;
import dev.tessera.services.web.ProblemHandler;
import org.springframework.http.ProblemDetail;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * Tessera's tools for agents, served over the Model Context Protocol (Streamable HTTP at {@code /mcp},
 * by Spring AI's MCP server): {@code search}, {@code rag_context}, {@code get_document},
 * {@code list_collections}, and with {@code tessera.mcp.write-tools} also {@code add_document} and
 * {@code delete_documents}. Arguments are the REST fields (plus {@code collection}, default
 * {@code default}) with the REST defaults: each tool binds them to the REST request record with the
 * service's own JSON rules and calls the same controller method, so the two surfaces cannot drift.
 * Answers are JSON text; a bad argument is a tool error naming the field, never a transport failure.
 */
@Configuration
public class McpToolset {

    private final ObjectMapper json;
    private final ProblemHandler problems;

    public McpToolset(ObjectMapper json, ProblemHandler problems) {
        this.json = json;
        this.problems = problems;
    }

    @Bean
    public List<SyncToolSpecification> tesseraTools(SearchController search, RagContextController rag,
                                                    DocumentsController documents, CollectionsController collections,
                                                    TesseraProperties properties) {
        List<SyncToolSpecification> tools = new ArrayList<>();
        tools.add(tool("search", "Search a collection's documents (hybrid BM25 + vector by default) and return the"
                        + " best chunks with their scores, text and metadata.",
                schema(Map.of("query", prop("string", "what to look for"),
                        "k", prop("integer", "how many chunks (1-1000, default 10)"),
                        "mode", prop("string", "hybrid (default), bm25 or vector"),
                        "filter", prop("object", "metadata filter in Tessera's filter language"),
                        "min_score", prop("number", "leave out hits scoring below it")), List.of("query")),
                args -> search.search(collection(args), bind(args, SearchController.Query.class))));
        tools.add(tool("rag_context", "Assemble retrieval context for an LLM under a token budget (strategies topk,"
                        + " crag, refrag) and return it with its segments.",
                schema(Map.of("query", prop("string", "the question"),
                        "budget_tokens", prop("integer", "the LLM's budget for this context"),
                        "strategy", prop("string", "topk (default), crag or refrag"),
                        "tokenizer", prop("string", "the LLM's tokenizer the budget counts in (default o200k_base)"),
                        "k", prop("integer", "retrieval candidates (default 20)"),
                        "filter", prop("object", "metadata filter")), List.of("query", "budget_tokens")),
                args -> rag.context(collection(args), bind(args, RagContextController.Request.class))));
        tools.add(tool("get_document", "Read one stored document: its text, metadata and chunks.",
                schema(Map.of("id", prop("string", "the document id")), List.of("id")),
                args -> documents.get(collection(args), string(args, "id"))));
        tools.add(tool("list_collections", "List the collections with their models, sizes and metadata types.",
                schema(Map.of(), List.of()), args -> {
                    if (!args.isEmpty()) {
                        throw new InvalidRequestException(args.keySet().iterator().next(), "list_collections takes no arguments");
                    }
                    return collections.list();
                }));
        if (properties.mcp().writeTools()) {
            tools.add(tool("add_document", "Store a document (replacing one with the same id); durable when answered.",
                    schema(Map.of("id", prop("string", "the id (generated when absent)"),
                            "title", prop("string", "a title"), "text", prop("string", "the text to index"),
                            "metadata", prop("object", "typed metadata")), List.of("text")),
                    args -> documents.create(collection(args), bind(args, dev.tessera.services.documents.NewDocument.class)).getBody()));
            tools.add(tool("delete_documents", "Delete documents by ids, by filter, or all of a collection.",
                    schema(Map.of("ids", prop("array", "document ids (at most 1,000)"),
                            "filter", prop("object", "metadata filter"), "all", prop("boolean", "delete every document")),
                            List.of()),
                    args -> documents.deleteWhere(collection(args), bind(args, DocumentsController.DeleteRequest.class))));
        }
        return tools;
    }

    private SyncToolSpecification tool(String name, String description, McpSchema.JsonSchema schema,
                                       Function<Map<String, Object>, Object> call) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(description).inputSchema(schema).build();
        return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
            Map<String, Object> args = request.arguments() == null ? new LinkedHashMap<>()
                    : new LinkedHashMap<>(request.arguments());
            try {
                return McpSchema.CallToolResult.builder().addTextContent(json.writeValueAsString(call.apply(args)))
                        .isError(false).build();
            } catch (JacksonException e) { // binding the arguments, as the REST body's reader reports it
                JsonFault fault = JsonFault.of(e);
                return error(400, fault.field(), fault.detail(), null);
            } catch (RuntimeException e) {
                ProblemDetail p = problems.describe(e);
                Object field = p.getProperties() == null ? null : p.getProperties().get("field");
                Object retryAfter = p.getProperties() == null ? null : p.getProperties().get("retry_after");
                return error(p.getStatus(), field == null ? null : field.toString(), p.getDetail(), retryAfter);
            }
        }).build();
    }

    /** A tool error as the REST API's problem, in JSON text: the agent reads which field to fix. */
    private McpSchema.CallToolResult error(int status, String field, String detail, Object retryAfter) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("status", status);
        if (field != null) {
            problem.put("field", field);
        }
        problem.put("detail", detail);
        if (retryAfter != null) {
            problem.put("retry_after", retryAfter);
        }
        return McpSchema.CallToolResult.builder().addTextContent(json.writeValueAsString(problem)).isError(true).build();
    }

    /** Takes {@code collection} out of the arguments: the route's collection (null means {@code default}). */
    private static String collection(Map<String, Object> args) {
        Object c = args.remove("collection");
        if (c != null && !(c instanceof String)) {
            throw new InvalidRequestException("collection", "collection must be a string");
        }
        return (String) c;
    }

    private static String string(Map<String, Object> args, String name) {
        Object v = args.remove(name);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new InvalidRequestException(name, name + " must be a non-empty string");
        }
        if (!args.isEmpty()) {
            String extra = args.keySet().iterator().next();
            throw new InvalidRequestException(extra, "unknown argument '" + extra + "'");
        }
        return s;
    }

    /** The arguments as the REST request body, under the service's strict JSON rules (unknown fields refused). */
    private <T> T bind(Map<String, Object> args, Class<T> type) {
        return json.readValue(json.writeValueAsString(args), type);
    }

    private static Map<String, Object> prop(String type, String description) {
        return Map.of("type", type, "description", description);
    }

    private static McpSchema.JsonSchema schema(Map<String, Object> properties, List<String> required) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("collection", prop("string", "the collection (default: default)"));
        props.putAll(properties);
        return new McpSchema.JsonSchema("object", props, required, false, null, null);
    }
}
