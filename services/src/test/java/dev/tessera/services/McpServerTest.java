package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The MCP server as an agent meets it: the MCP Java SDK's client over Streamable HTTP, with API keys on. */
class McpServerTest {

    static final String KEY = "mcp-test-key-5c2e";
    static TesseraServer server;

    @BeforeAll
    static void start() {
        server = TesseraServer.startSeparate("--tessera.security.api-keys=" + KEY, "--tessera.mcp.write-tools=true");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static McpSyncClient client(String key) {
        HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder(server.base())
                .endpoint("/mcp");
        if (key != null) {
            transport.requestBuilder(java.net.http.HttpRequest.newBuilder().header("Authorization", "Bearer " + key));
        }
        McpSyncClient client = McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(60)).build();
        client.initialize();
        return client;
    }

    static String text(CallToolResult result) {
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }

    static JsonNode json(CallToolResult result) {
        return TesseraServer.JSON.readTree(text(result));
    }

    @Test
    void anAgentListsTheToolsAndCallsEachOne() {
        try (McpSyncClient agent = client(KEY)) {
            assertThat(agent.listTools().tools()).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder("search",
                    "rag_context", "get_document", "list_collections", "add_document", "delete_documents");

            CallToolResult added = agent.callTool(new CallToolRequest("add_document", Map.of("id", "mcp-1",
                    "title", "Flutter", "text", "Flutter of a swept wing at transonic speeds.",
                    "metadata", Map.of("kind", "aero"))));
            assertThat(added.isError()).as(text(added)).isFalse();
            assertThat(json(added).get("id").asString()).isEqualTo("mcp-1");
            agent.callTool(new CallToolRequest("add_document", Map.of("id", "mcp-2",
                    "text", "Buckling of thin shells under pressure.", "metadata", Map.of("kind", "structures"))));

            CallToolResult found = agent.callTool(new CallToolRequest("search", Map.of("query", "wing flutter", "k", 1,
                    "filter", Map.of("kind", "aero"))));
            assertThat(found.isError()).as(text(found)).isFalse();
            assertThat(json(found).get("hits").get(0).get("doc_id").asString()).isEqualTo("mcp-1");

            CallToolResult context = agent.callTool(new CallToolRequest("rag_context", Map.of("query", "flutter",
                    "budget_tokens", 40, "strategy", "crag")));
            assertThat(context.isError()).as(text(context)).isFalse();
            assertThat(json(context).get("tokens_used").asInt()).isPositive().isLessThanOrEqualTo(40);

            CallToolResult document = agent.callTool(new CallToolRequest("get_document", Map.of("id", "mcp-2")));
            assertThat(json(document).get("text").asString()).startsWith("Buckling");

            CallToolResult collections = agent.callTool(new CallToolRequest("list_collections", Map.of()));
            assertThat(text(collections)).contains("\"default\"");

            CallToolResult deleted = agent.callTool(new CallToolRequest("delete_documents", Map.of("ids", List.of("mcp-1", "mcp-2"))));
            assertThat(json(deleted).get("deleted").asInt()).isEqualTo(2);
        }
    }

    @Test
    void badArgumentsAreToolErrorsNamingTheField() {
        try (McpSyncClient agent = client(KEY)) {
            Map<String, Map<String, Object>> cases = Map.of(
                    "k", Map.of("query", "x", "k", "ten"),
                    "filter.year.between", Map.of("query", "x", "filter", Map.of("year", Map.of("between", 1))),
                    "query", Map.of("k", 3),
                    "colour", Map.of("query", "x", "colour", "red"));
            // The SDK checks each call against the tool's input schema first (its error text names the
            // argument); what passes the schema and still fails is Tessera's problem as JSON.
            cases.forEach((field, args) -> {
                CallToolResult r = agent.callTool(new CallToolRequest("search", args));
                assertThat(r.isError()).as(field + ": " + text(r)).isTrue();
                assertThat(text(r)).as(field).contains(field.split("\\.")[0]);
            });
            CallToolResult filter = agent.callTool(new CallToolRequest("search", cases.get("filter.year.between")));
            assertThat(json(filter).get("field").asString()).isEqualTo("filter.year.between");
            assertThat(json(filter).get("status").asInt()).isEqualTo(400);
            CallToolResult missing = agent.callTool(new CallToolRequest("get_document", Map.of("id", "nope")));
            assertThat(missing.isError()).isTrue();
            assertThat(json(missing).get("status").asInt()).isEqualTo(404);
            CallToolResult budget = agent.callTool(new CallToolRequest("rag_context", Map.of("query", "x", "budget_tokens", 0)));
            assertThat(json(budget).get("field").asString()).isEqualTo("budget_tokens");
            CallToolResult unknownCollection = agent.callTool(new CallToolRequest("search",
                    Map.of("collection", "nowhere", "query", "x")));
            assertThat(json(unknownCollection).get("field").asString()).isEqualTo("collection");
        }
    }

    @Test
    void withoutAKeyTheServerRefusesTheAgent() {
        assertThatThrownBy(() -> client(null)).hasStackTraceContaining("Authorization error");
        assertThatThrownBy(() -> client("not-a-key")).hasStackTraceContaining("Authorization error");
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"curl\",\"version\":\"1\"}}}";
        assertThat(server.send("POST", "/mcp", "application/json", java.net.http.HttpRequest.BodyPublishers.ofString(initialize),
                Map.of("Accept", "application/json, text/event-stream")).status()).isEqualTo(401);
        assertThat(server.send("POST", "/mcp", "application/json", java.net.http.HttpRequest.BodyPublishers.ofString(initialize),
                Map.of("Accept", "application/json, text/event-stream", "Authorization", "Bearer not-a-key")).status())
                .isEqualTo(403);
    }
}
