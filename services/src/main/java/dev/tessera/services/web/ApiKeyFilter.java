package dev.tessera.services.web;

import dev.tessera.services.config.TesseraProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * API keys ({@code tessera.security.*}): when keys are configured, writes and admin calls need
 * {@code Authorization: Bearer <key>}, and reads too with {@code protect-reads}. Missing or
 * malformed credentials are 401, an unknown key 403, both problem+json with
 * {@code WWW-Authenticate: Bearer}. A scoped key ({@code tessera.security.keys}) has a role and a
 * list of collections: a request above its role, or on a collection outside its list (the
 * top-level routes mean {@code default}), is 403. The presented key is compared with every configured key in
 * constant time (as SHA-256 digests, so neither content nor length leaks through timing), and
 * is never logged or echoed. Runs before the body-size limit, so an anonymous upload is refused
 * without being read, and after the request observation, so refusals are counted.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ApiKeyFilter extends OncePerRequestFilter {

    /** What a request does, which decides whether it needs a key. */
    public enum Access {
        /** Health probes: a load balancer has no key. */
        OPEN,
        /** GETs and computations that change nothing; keyed only with {@code protect-reads}. */
        READ,
        /** Anything that changes stored data. */
        WRITE,
        /** Operating the service: metrics, the admin API and dashboard. */
        ADMIN
    }

    /**
     * POST endpoints that compute an answer and store nothing. They take a body only because their
     * input is too large or structured for a query string, so they count as reads.
     */
    private static final Set<String> COMPUTATIONS = Set.of("/v1/search", "/v1/rag/context", "/v1/embeddings",
            "/v1/tokenize/image", "/v1/detokenize/image", "/v1/documents/count");
    /** The same computations inside a collection: {@code /v1/collections/{name}} + one of these. */
    private static final Set<String> COLLECTION_COMPUTATIONS = Set.of("/search", "/rag/context", "/documents/count");
    private static final java.util.regex.Pattern IN_COLLECTION =
            java.util.regex.Pattern.compile("/v1/collections/([^/]+)(/.*)?");
    /** Top-level routes that act on the default collection. */
    private static final java.util.regex.Pattern DEFAULT_COLLECTION_ROUTES =
            java.util.regex.Pattern.compile("/v1/(documents|search|rag/context)(/.*)?");

    /** A configured key: its digest, role and scope (null: every collection). */
    record Grant(byte[] digest, Access role, Set<String> collections) {}
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);

    private final List<byte[]> keyDigests;
    private final List<Grant> grants;
    private final boolean protectReads;
    private final ObjectMapper json;

    public ApiKeyFilter(TesseraProperties properties, ObjectMapper json) {
        List<Grant> all = new java.util.ArrayList<>();
        properties.security().apiKeys().stream().map(String::strip).filter(k -> !k.isEmpty())
                .forEach(k -> all.add(new Grant(sha256(k), Access.ADMIN, null)));
        for (int i = 0; i < properties.security().keys().size(); i++) {
            TesseraProperties.Key k = properties.security().keys().get(i);
            if (k.key() == null || k.key().isBlank()) {
                throw new IllegalStateException("tessera.security.keys[" + i + "].key is empty");
            }
            Access role = switch (k.role().strip().toLowerCase(Locale.ROOT)) {
                case "read" -> Access.READ;
                case "write" -> Access.WRITE;
                case "admin" -> Access.ADMIN;
                default -> throw new IllegalStateException("tessera.security.keys[" + i + "].role: '" + k.role()
                        + "'; allowed: read, write, admin");
            };
            Set<String> scope = k.collections().contains("*") ? null : Set.copyOf(k.collections());
            all.add(new Grant(sha256(k.key().strip()), role, scope));
        }
        this.grants = List.copyOf(all);
        this.keyDigests = grants.stream().map(Grant::digest).toList();
        this.protectReads = properties.security().protectReads();
        this.json = json;
        if (!keyDigests.isEmpty()) {
            log.info("API keys required for writes and admin calls{} ({} keys configured)",
                    protectReads ? " and reads" : "", keyDigests.size());
        }
    }

    /** @param path the decoded, normalised path within the application */
    public static Access classify(String method, String path) {
        // The dashboard's page and scripts hold no data (a browser cannot send a bearer header when it
        // navigates); the page asks for a key and sends it on its calls to /v1/admin/stats.
        if (path.equals("/actuator/health") || path.startsWith("/actuator/health/")
                || (SAFE_METHODS.contains(method.toUpperCase(Locale.ROOT))
                        && (path.equals("/admin") || path.startsWith("/admin/")))) {
            return Access.OPEN;
        }
        if (path.equals("/actuator") || path.startsWith("/actuator/") || path.equals("/admin")
                || path.startsWith("/admin/") || path.equals("/v1/admin") || path.startsWith("/v1/admin/")) {
            return Access.ADMIN;
        }
        String m = method.toUpperCase(Locale.ROOT);
        java.util.regex.Matcher in = IN_COLLECTION.matcher(path);
        if (in.matches() && in.group(2) == null && m.equals("DELETE")) {
            return Access.ADMIN; // dropping a collection
        }
        if (in.matches() && "/merge".equals(in.group(2)) && m.equals("POST")) {
            return Access.ADMIN; // minutes of every core on a large collection
        }
        if (SAFE_METHODS.contains(m) || (m.equals("POST") && (COMPUTATIONS.contains(path)
                || (in.matches() && in.group(2) != null && COLLECTION_COMPUTATIONS.contains(in.group(2)))))) {
            return Access.READ;
        }
        return Access.WRITE; // unknown methods and paths fail closed; so does /mcp, whose calls may write
    }

    /**
     * The collection a request acts on: named in the path, {@code default} for the top-level document,
     * search and RAG routes, {@code *} for creating or listing collections, null for anything else.
     */
    public static String collectionOf(String path) {
        java.util.regex.Matcher in = IN_COLLECTION.matcher(path);
        if (in.matches()) {
            return in.group(1);
        }
        if (path.equals("/v1/collections")) {
            return "*";
        }
        if (path.equals("/mcp") || path.startsWith("/mcp/")) {
            // An agent names collections inside the protocol, where this filter cannot see them: the MCP
            // server takes a key valid for every collection (and, a POST, a write role: see classify).
            return "*";
        }
        return DEFAULT_COLLECTION_ROUTES.matcher(path).matches() ? "default" : null;
    }

    /** Whether a request of this kind needs a key under the current settings. */
    public boolean needsKey(Access access) {
        return !keyDigests.isEmpty() && switch (access) {
            case OPEN -> false;
            case READ -> protectReads;
            case WRITE, ADMIN -> true;
        };
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return keyDigests.isEmpty();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // The servlet path is decoded, normalised and free of ;parameters: what Spring MVC maps on.
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        Access access = classify(request.getMethod(), path);
        if (!needsKey(access)) {
            chain.doFilter(request, response);
            return;
        }
        String token = bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            log.info("refused {} {} from {}: no bearer credentials", request.getMethod(), path, request.getRemoteAddr());
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"tessera\"");
            ProblemResponses.write(request, response, json, HttpStatus.UNAUTHORIZED, "Unauthorized",
                    "this request needs an API key: Authorization: Bearer <key>", "authorization");
            return;
        }
        Grant grant = grant(token);
        if (grant == null) {
            log.info("refused {} {} from {}: unknown API key", request.getMethod(), path, request.getRemoteAddr());
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"tessera\", error=\"invalid_token\"");
            ProblemResponses.write(request, response, json, HttpStatus.FORBIDDEN, "Forbidden",
                    "the API key is not valid for this server", "authorization");
            return;
        }
        String collection = collectionOf(path);
        String refusal = grant.role().compareTo(access) < 0
                ? "this API key's role is " + grant.role().name().toLowerCase(Locale.ROOT) + "; this request needs "
                        + access.name().toLowerCase(Locale.ROOT)
                : grant.collections() != null && collection != null && !grant.collections().contains(collection)
                        ? "this API key may not use " + (collection.equals("*") ? "every collection (creating or listing"
                        + " them needs a key for all)" : "collection '" + collection + "'")
                        : null;
        if (refusal != null) {
            log.info("refused {} {} from {}: {}", request.getMethod(), path, request.getRemoteAddr(), refusal);
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"tessera\", error=\"insufficient_scope\"");
            ProblemResponses.write(request, response, json, HttpStatus.FORBIDDEN, "Forbidden", refusal, "authorization");
            return;
        }
        chain.doFilter(request, response);
    }

    /** The token of {@code Bearer <token>} (scheme case-insensitive), or null for anything else. */
    static String bearerToken(String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    /** Compares with every key, without an early exit, so the time taken says nothing about which matched. */
    boolean known(String token) {
        return grant(token) != null;
    }

    private Grant grant(String token) {
        byte[] presented = sha256(token);
        Grant found = null;
        for (Grant g : grants) {
            if (MessageDigest.isEqual(presented, g.digest()) && found == null) {
                found = g;
            }
        }
        return found;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
