package dev.tessera.retrieval.index.opensearch;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to reach and lay out the OpenSearch index that stands behind Tessera.
 *
 * @param hosts           every node the client may talk to ({@code http://host:9200}, {@code https://…}); a node
 *                        that stops answering is skipped until it recovers
 * @param username        basic auth user, or null
 * @param password        basic auth password, or null
 * @param apiKey          an {@code ApiKey} credential (base64 of id:key), or null; wins over basic auth
 * @param trustStore      a PKCS#12 trust store for a cluster whose certificate the JVM does not trust, or null
 * @param trustStorePassword its password, or null
 * @param index           the index name (created on first use with the mapping in {@code index.json})
 * @param shards          primary shards of a new index
 * @param replicas        replicas of a new index
 * @param connectTimeout  connecting to a node
 * @param requestTimeout  waiting for any one answer; every call has one
 * @param bulkConcurrency bulk requests in flight at once from one write call
 * @param bulkDocuments   documents per bulk request (each with all its chunks)
 * @param retries         retries of a bulk request or item the cluster refused with 429/503, with backoff
 * @param retryBackoff    the first backoff, doubled on each retry
 */
public record OpenSearchSettings(
        List<URI> hosts, String username, String password, String apiKey, Path trustStore, String trustStorePassword,
        String index, int shards, int replicas, Duration connectTimeout, Duration requestTimeout,
        int bulkConcurrency, int bulkDocuments, int retries, Duration retryBackoff) {

    public OpenSearchSettings {
        if (hosts == null || hosts.isEmpty()) {
            throw new IllegalArgumentException("tessera.opensearch.hosts: at least one host is needed");
        }
        for (URI host : hosts) {
            if (host.getHost() == null || !("http".equals(host.getScheme()) || "https".equals(host.getScheme()))) {
                throw new IllegalArgumentException("tessera.opensearch.hosts: '" + host
                        + "' is not an http(s)://host:port address");
            }
        }
        if (index == null || !index.matches("[a-z0-9][a-z0-9_.-]{0,254}")) {
            throw new IllegalArgumentException("tessera.opensearch.index: '" + index
                    + "' is not a valid index name (lower case letters, digits, _ . -)");
        }
        if (shards < 1 || replicas < 0) {
            throw new IllegalArgumentException("tessera.opensearch: shards >= 1 and replicas >= 0");
        }
        if (bulkConcurrency < 1 || bulkDocuments < 1 || retries < 0) {
            throw new IllegalArgumentException("tessera.opensearch: bulk-concurrency and bulk-documents >= 1, retries >= 0");
        }
        hosts = List.copyOf(hosts);
    }

    /** Without the secrets: settings get logged. */
    @Override
    public String toString() {
        return "OpenSearchSettings[hosts=" + hosts + ", username=" + username + ", password="
                + (password == null ? null : "***") + ", apiKey=" + (apiKey == null ? null : "***") + ", index=" + index
                + ", shards=" + shards + ", replicas=" + replicas + ", requestTimeout=" + requestTimeout + "]";
    }

    /** Defaults for a local single node or a test cluster. */
    public static OpenSearchSettings local(List<URI> hosts, String index, int shards, int replicas) {
        return new OpenSearchSettings(hosts, null, null, null, null, null, index, shards, replicas,
                Duration.ofSeconds(5), Duration.ofSeconds(30), 4, 64, 5, Duration.ofMillis(200));
    }

    public OpenSearchSettings withIndex(String name) {
        return new OpenSearchSettings(hosts, username, password, apiKey, trustStore, trustStorePassword, name, shards,
                replicas, connectTimeout, requestTimeout, bulkConcurrency, bulkDocuments, retries, retryBackoff);
    }
}
