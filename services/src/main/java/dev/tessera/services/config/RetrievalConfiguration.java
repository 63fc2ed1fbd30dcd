package dev.tessera.services.config;

import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.context.ContextAssemblers;
import dev.tessera.retrieval.document.DocumentParser;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.index.opensearch.OpenSearchDocumentIndex;
import dev.tessera.retrieval.index.opensearch.OpenSearchSettings;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.retrieval.search.Fusion;
import dev.tessera.retrieval.search.HybridSearcher;
import dev.tessera.services.embeddings.EmbeddingModels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the retrieval library (which knows nothing of Spring) from {@link TesseraProperties}. */
@Configuration(proxyBeanMethods = false)
public class RetrievalConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RetrievalConfiguration.class);

    /** The embedded Lucene index under the data directory, or an OpenSearch index that several instances share. */
    @Bean(destroyMethod = "close")
    DocumentIndex documentIndex(TesseraProperties properties, EmbeddingModels models) {
        Embedder embedder = models.searchModel();
        String backend = properties.index().backend();
        return switch (backend) {
            case TesseraProperties.Index.EMBEDDED -> LuceneDocumentIndex.open(properties.dataDir(), embedder.name(),
                    embedder.dimension(), VectorEngine.parse(properties.vectorEngine()));
            case TesseraProperties.Index.OPENSEARCH -> {
                if (!properties.vectorEngine().trim().equalsIgnoreCase(VectorEngine.LUCENE.name())) {
                    log.warn("tessera.vector-engine={} is ignored: the OpenSearch backend searches vectors itself",
                            properties.vectorEngine());
                }
                yield OpenSearchDocumentIndex.open(openSearchSettings(properties.opensearch()), embedder.name(),
                        embedder.dimension());
            }
            default -> throw new IllegalStateException("tessera.index.backend: unknown backend '" + backend
                    + "'; allowed: " + TesseraProperties.Index.EMBEDDED + ", " + TesseraProperties.Index.OPENSEARCH);
        };
    }

    /** Blank credentials in properties (their default) are none to the client. */
    static OpenSearchSettings openSearchSettings(TesseraProperties.OpenSearch o) {
        return new OpenSearchSettings(o.hosts(), blankToNull(o.username()), blankToNull(o.password()),
                blankToNull(o.apiKey()), o.trustStore(), blankToNull(o.trustStorePassword()), o.index(), o.shards(),
                o.replicas(), o.connectTimeout(), o.requestTimeout(), o.bulkConcurrency(), o.bulkDocuments(),
                o.retries(), o.retryBackoff());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Stored video clips, in their own Lucene index beside the text one (vectors of another dimension). */
    @Bean(destroyMethod = "close")
    dev.tessera.retrieval.video.VideoIndex videoIndex(TesseraProperties properties) {
        return dev.tessera.retrieval.video.LuceneVideoIndex.open(properties.dataDir().resolve("video"));
    }

    @Bean
    DocumentIngestor documentIngestor(TesseraProperties properties, EmbeddingModels models, DocumentIndex index) {
        Embedder embedder = models.searchModel();
        TokenChunker chunker = new TokenChunker(embedder.tokenizer(), properties.chunking().tokens(),
                properties.chunking().overlap());
        return new DocumentIngestor(chunker, embedder, index);
    }

    @Bean
    HybridSearcher hybridSearcher(TesseraProperties properties, EmbeddingModels models, DocumentIndex index) {
        TesseraProperties.Search search = properties.search();
        return new HybridSearcher(index, models.searchModel(),
                Fusion.of(search.fusion(), search.denseWeight(), search.rrfK()), search.candidates());
    }

    @Bean
    ContextAssemblers contextAssemblers(EmbeddingModels models) {
        return new ContextAssemblers(models.searchModel());
    }

    @Bean
    DocumentParser documentParser() {
        return new DocumentParser();
    }
}
