package dev.tessera.services.config;

import dev.tessera.retrieval.collection.CollectionRegistry;
import dev.tessera.retrieval.collection.CollectionSettings;
import dev.tessera.retrieval.context.ContextAssemblers;
import dev.tessera.retrieval.context.ContextPrecompute;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextTokenizer;
import dev.tessera.retrieval.context.EmbeddingCache;
import dev.tessera.services.rag.ContextTokenizers;
import dev.tessera.retrieval.document.DocumentParser;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.index.VectorSimilarity;
import dev.tessera.retrieval.index.opensearch.OpenSearchCollections;
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

    /**
     * The named collections, each with its own index: embedded under {@code <data-dir>/collections},
     * or one OpenSearch index each. The collection {@code default} (the configured model) is created
     * at first start; a data directory of the release before collections becomes it.
     */
    @Bean(destroyMethod = "close")
    CollectionRegistry collections(TesseraProperties properties, EmbeddingModels models) {
        Embedder embedder = models.searchModel();
        String backend = properties.index().backend();
        VectorEngine engine = VectorEngine.parse(properties.vectorEngine());
        CollectionRegistry.IndexOpener opener = switch (backend) {
            case TesseraProperties.Index.EMBEDDED -> (settings, dir) -> LuceneDocumentIndex.open(dir,
                    settings.indexModel(), settings.dimension(), settings.vectorEngine(), settings.similarity(),
                    settings.quantization(), settings.oversample());
            case TesseraProperties.Index.OPENSEARCH -> {
                if (engine != VectorEngine.LUCENE) {
                    log.warn("tessera.vector-engine={} is ignored: the OpenSearch backend searches vectors itself",
                            properties.vectorEngine());
                }
                yield new OpenSearchCollections(openSearchSettings(properties.opensearch()), engine);
            }
            default -> throw new IllegalStateException("tessera.index.backend: unknown backend '" + backend
                    + "'; allowed: " + TesseraProperties.Index.EMBEDDED + ", " + TesseraProperties.Index.OPENSEARCH);
        };
        TesseraProperties.Search search = properties.search();
        return new CollectionRegistry(properties.dataDir(), opener, models::get,
                new CollectionRegistry.Chunking(properties.chunking().tokens(), properties.chunking().overlap(),
                        contextPrecompute(properties.rag().spans())),
                new CollectionRegistry.Searching(search.fusionOf(),
                        search.candidates()),
                new CollectionSettings(CollectionSettings.DEFAULT, embedder.name(), embedder.dimension(),
                        VectorSimilarity.COSINE, engine));
    }

    /** The default collection's index: what the top-level routes and the admin page mean. Closed with the registry. */
    @Bean(destroyMethod = "")
    DocumentIndex documentIndex(CollectionRegistry collections) {
        return collections.get(CollectionSettings.DEFAULT).index();
    }

    /** The default collection's index; {@link OpenSearchCollections} names the others. Blank credentials are none. */
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
    DocumentIngestor documentIngestor(CollectionRegistry collections) {
        return collections.get(CollectionSettings.DEFAULT).ingestor();
    }

    @Bean
    HybridSearcher hybridSearcher(CollectionRegistry collections) {
        return collections.get(CollectionSettings.DEFAULT).searcher();
    }

    /** {@code tessera.rag.spans}: span vectors for the default context tokenizer and chunk size, or none. */
    static ContextPrecompute contextPrecompute(String spans) {
        String s = spans == null ? "none" : spans.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("none")) {
            return null;
        }
        try {
            return new ContextPrecompute(ContextTokenizer.openAi(ContextTokenizers.DEFAULT),
                    ContextRequest.DEFAULT_CHUNK_TOKENS, ContextPrecompute.Source.parse(s));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("tessera.rag.spans: " + e.getMessage() + " (or none)", e);
        }
    }

    /**
     * The strategies, sharing one embedding cache; its counters say where the vectors of context
     * units came from: stored at ingest, found in the cache, or embedded on the request.
     */
    @Bean
    ContextAssemblers contextAssemblers(EmbeddingModels models, io.micrometer.core.instrument.MeterRegistry meters) {
        ContextAssemblers assemblers = new ContextAssemblers(models.searchModel());
        EmbeddingCache cache = assemblers.embeddings();
        io.micrometer.core.instrument.FunctionCounter.builder("tessera.rag.unit.vectors", cache, EmbeddingCache::offered)
                .tag("source", "stored").description("span vectors read from the index for context assembly")
                .register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("tessera.rag.unit.vectors", cache, EmbeddingCache::hits)
                .tag("source", "cache").description("context-unit vectors found in the cache").register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("tessera.rag.unit.vectors", cache, EmbeddingCache::misses)
                .tag("source", "embedded").description("texts embedded on the request for context assembly, the query among them").register(meters);
        return assemblers;
    }

    @Bean
    DocumentParser documentParser() {
        return new DocumentParser();
    }
}
