package dev.tessera.services.config;

import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.context.ContextAssemblers;
import dev.tessera.retrieval.document.DocumentParser;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.retrieval.search.Fusion;
import dev.tessera.retrieval.search.HybridSearcher;
import dev.tessera.services.embeddings.EmbeddingModels;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the retrieval library (which knows nothing of Spring) from {@link TesseraProperties}. */
@Configuration(proxyBeanMethods = false)
public class RetrievalConfiguration {

    @Bean(destroyMethod = "close")
    DocumentIndex documentIndex(TesseraProperties properties, EmbeddingModels models) {
        Embedder embedder = models.searchModel();
        return LuceneDocumentIndex.open(properties.dataDir(), embedder.name(), embedder.dimension(),
                VectorEngine.parse(properties.vectorEngine()));
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
