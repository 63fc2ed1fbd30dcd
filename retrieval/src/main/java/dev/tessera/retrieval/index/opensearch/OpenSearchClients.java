package dev.tessera.retrieval.index.opensearch;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/** Builds the REST client from {@link OpenSearchSettings}: every node, timeouts on every call, auth and TLS. */
public final class OpenSearchClients {

    private OpenSearchClients() {}

    public static OpenSearchClient create(OpenSearchSettings settings) {
        HttpHost[] hosts = settings.hosts().stream().map(OpenSearchClients::host).toArray(HttpHost[]::new);
        Timeout connect = Timeout.of(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        Timeout response = Timeout.of(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ApacheHttpClient5TransportBuilder builder = ApacheHttpClient5TransportBuilder.builder(hosts)
                .setMapper(new JacksonJsonpMapper())
                .setRequestConfigCallback(rc -> rc.setResponseTimeout(response).setConnectionRequestTimeout(connect))
                .setConnectionConfigCallback(cc -> cc.setConnectTimeout(connect).setSocketTimeout(response));
        if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "ApiKey " + settings.apiKey())});
        }
        SSLContext tls = settings.trustStore() == null ? null : trustStoreContext(settings);
        builder.setHttpClientConfigCallback(http -> {
            if (settings.username() != null && !settings.username().isBlank()) {
                BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                char[] password = settings.password() == null ? new char[0] : settings.password().toCharArray();
                for (HttpHost host : hosts) {
                    credentials.setCredentials(new AuthScope(host), new UsernamePasswordCredentials(settings.username(), password));
                }
                http.setDefaultCredentialsProvider(credentials);
            }
            if (tls != null) {
                http.setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(tls).build())
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect)
                                .setSocketTimeout(response).build())
                        .setMaxConnPerRoute(ApacheHttpClient5TransportBuilder.DEFAULT_MAX_CONN_PER_ROUTE)
                        .setMaxConnTotal(ApacheHttpClient5TransportBuilder.DEFAULT_MAX_CONN_TOTAL)
                        .build());
            }
            return http;
        });
        return new OpenSearchClient(builder.build());
    }

    private static HttpHost host(URI uri) {
        int port = uri.getPort() > 0 ? uri.getPort() : 9200;
        return new HttpHost(uri.getScheme(), uri.getHost(), port);
    }

    private static SSLContext trustStoreContext(OpenSearchSettings settings) {
        try (InputStream in = Files.newInputStream(settings.trustStore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            char[] password = settings.trustStorePassword() == null ? null : settings.trustStorePassword().toCharArray();
            store.load(in, password);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("tessera.opensearch.trust-store: cannot read " + settings.trustStore()
                    + ": " + e.getMessage(), e);
        }
    }

    public static void close(OpenSearchClient client) {
        try {
            client._transport().close();
        } catch (IOException e) {
            // closing: nothing left to do with the connection pool
        }
    }
}
