package dev.tessera.services.config;

import dev.tessera.retrieval.search.SearchDefaults;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * All of Tessera's settings, under {@code tessera.*}. Every default works out of the box.
 *
 * @param dataDir      where the index lives ({@code index-data/} beside the launcher by default); with the
 *                     OpenSearch backend, still where jobs, models and the video index live
 * @param vectorEngine {@code lucene} (HNSW inside the Lucene index) or {@code hnswlib}; embedded backend only
 * @param index        which document index stands behind the service
 * @param opensearch   the cluster used when {@code tessera.index.backend=opensearch}
 */
@ConfigurationProperties("tessera")
public record TesseraProperties(
        @DefaultValue("index-data") Path dataDir,
        @DefaultValue("lucene") String vectorEngine,
        @DefaultValue Index index,
        @DefaultValue OpenSearch opensearch,
        @DefaultValue Embedding embedding,
        @DefaultValue Chunking chunking,
        @DefaultValue Search search,
        @DefaultValue Limits limits,
        @DefaultValue Images images,
        @DefaultValue Video video,
        @DefaultValue Audio audio,
        @DefaultValue Rag rag,
        @DefaultValue Admin admin,
        @DefaultValue Security security,
        @DefaultValue Mcp mcp) {

    /**
     * The Model Context Protocol server at {@code /mcp} (Spring AI's, {@code spring.ai.mcp.server.*}).
     *
     * @param writeTools also offer {@code add_document} and {@code delete_documents} to agents
     */
    public record Mcp(@DefaultValue("false") boolean writeTools) {}

    /**
     * @param backend {@code embedded} (Lucene under the data directory) or {@code opensearch} (a cluster shared
     *                by any number of Tessera instances, {@code tessera.opensearch.*})
     */
    public record Index(@DefaultValue("embedded") String backend) {

        public static final String EMBEDDED = "embedded";
        public static final String OPENSEARCH = "opensearch";

        public Index {
            // Checked while binding, so a typo stops start-up before anything is opened.
            String name = backend.trim().toLowerCase(Locale.ROOT);
            if (!name.equals(EMBEDDED) && !name.equals(OPENSEARCH)) {
                throw new IllegalArgumentException("tessera.index.backend: unknown backend '" + backend
                        + "'; allowed: " + EMBEDDED + ", " + OPENSEARCH);
            }
            backend = name;
        }
    }

    /**
     * The OpenSearch cluster behind {@code tessera.index.backend=opensearch}; see {@code docs/scale-out.md}.
     * Blank credentials mean none.
     *
     * @param hosts              every node the client may talk to ({@code http(s)://host:port})
     * @param username           basic auth user
     * @param password           basic auth password
     * @param apiKey             an {@code ApiKey} credential (base64 of id:key); wins over basic auth
     * @param trustStore         a PKCS#12 trust store for a cluster certificate the JVM does not trust
     * @param trustStorePassword its password
     * @param index              the index name, created on first use
     * @param shards             primary shards of a new index
     * @param replicas           replicas of a new index
     * @param connectTimeout     connecting to a node
     * @param requestTimeout     waiting for any one answer
     * @param bulkConcurrency    bulk requests in flight at once from one write
     * @param bulkDocuments      documents per bulk request
     * @param retries            retries of a bulk request or item refused with 429/503
     * @param retryBackoff       the first backoff, doubled on each retry
     */
    public record OpenSearch(
            @DefaultValue("http://localhost:9200") List<URI> hosts,
            @DefaultValue("") String username,
            @DefaultValue("") String password,
            @DefaultValue("") String apiKey,
            Path trustStore,
            @DefaultValue("") String trustStorePassword,
            @DefaultValue("tessera") String index,
            @DefaultValue("1") int shards,
            @DefaultValue("1") int replicas,
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("30s") Duration requestTimeout,
            @DefaultValue("4") int bulkConcurrency,
            @DefaultValue("64") int bulkDocuments,
            @DefaultValue("5") int retries,
            @DefaultValue("200ms") Duration retryBackoff) {

        /** Without the secrets: configuration gets logged and dumped. */
        @Override
        public String toString() {
            return "OpenSearch[hosts=" + hosts + ", username=" + username + ", password=" + (password.isEmpty() ? "" : "***")
                    + ", apiKey=" + (apiKey.isEmpty() ? "" : "***") + ", index=" + index + ", shards=" + shards
                    + ", replicas=" + replicas + "]";
        }
    }

    /**
     * @param model          the model that embeds documents and queries for search
     * @param device         {@code auto} (CUDA when the engine sees one), {@code cpu} or {@code gpu}
     * @param maxBatchSize   most texts in one forward pass
     * @param maxBatchTokens most tokens in one forward pass
     * @param maxWaitMs      how long a forward pass waits for other requests to join it
     * @param models         extra models (ONNX or TorchScript), added by configuration
     * @param maxQueuedTexts  most texts a model's batcher holds (waiting or embedding); beyond it, 429
     * @param maxQueuedTokens most tokens likewise
     * @param tokenIdEncoding the OpenAI encoding that token-id input to {@code /v1/embeddings} is decoded
     *                       with (clients such as LangChain's {@code OpenAIEmbeddings} send cl100k_base ids)
     * @param onnx           ONNX Runtime session settings for every ONNX embedding model
     */
    public record Embedding(
            @DefaultValue("bge-small-en-v1.5") String model,
            @DefaultValue("auto") String device,
            @DefaultValue("32") int maxBatchSize,
            @DefaultValue("8192") int maxBatchTokens,
            @DefaultValue("2") long maxWaitMs,
            @DefaultValue List<Model> models,
            @DefaultValue("4096") int maxQueuedTexts,
            @DefaultValue("262144") long maxQueuedTokens,
            @DefaultValue("cl100k_base") String tokenIdEncoding,
            @DefaultValue Onnx onnx) {}

    /**
     * ONNX Runtime session settings ({@code tessera.embedding.onnx.*}); see
     * {@link dev.tessera.retrieval.embed.OnnxSessionOptions}.
     *
     * @param optimization   graph optimisation level: NO_OPT, BASIC_OPT, EXTENDED_OPT or ALL_OPT
     * @param intraOpThreads threads inside one operator; 0 = every available processor
     * @param interOpThreads threads across operators; 1 = sequential
     * @param cpuArena       reuse buffers across forward passes
     * @param memoryPattern  plan buffers from the previous pass's shapes
     */
    public record Onnx(
            @DefaultValue("ALL_OPT") String optimization,
            @DefaultValue("0") int intraOpThreads,
            @DefaultValue("1") int interOpThreads,
            @DefaultValue("true") boolean cpuArena,
            @DefaultValue("true") boolean memoryPattern) {

        public dev.tessera.retrieval.embed.OnnxSessionOptions sessionOptions() {
            return new dev.tessera.retrieval.embed.OnnxSessionOptions(optimization, intraOpThreads, interOpThreads,
                    cpuArena, memoryPattern, null);
        }
    }

    /** An embedding model added by configuration; see {@code docs/api.md}. */
    public record Model(
            String name,
            @DefaultValue("OnnxRuntime") String engine,
            String modelPath,
            String tokenizerPath,
            @DefaultValue("mean") String pooling,
            @DefaultValue("true") boolean normalize,
            @DefaultValue("") String queryPrefix,
            @DefaultValue("") String documentPrefix,
            @DefaultValue("512") int maxTokens) {}

    /**
     * Image tokenizers installed under {@code <data-dir>/models/<name>/}.
     *
     * @param defaultModel model used when a request names none; when empty the first available one that
     *                     needs no caption (installed before bundled)
     * @param device       {@code auto} (CUDA when PyTorch sees a GPU), {@code cpu} or {@code gpu}
     * @param maxPixels    largest width × height of an uploaded image, checked before decoding
     * @param maxBatch     most images or token lists in one call
     * @param bundled      serve the image tokenizers shipped in the jar (titok-tiny, textok-tiny)
     */
    public record Images(
            @DefaultValue("") String defaultModel,
            @DefaultValue("auto") String device,
            @DefaultValue("40000000") long maxPixels,
            @DefaultValue("16") int maxBatch,
            @DefaultValue("true") boolean bundled) {}

    /**
     * Video tokenization (VQToken).
     *
     * @param fps            frames sampled per second when a request does not say
     * @param maxFrames      frames sampled at most when a request does not say
     * @param maxFramesLimit most frames a request may ask for
     * @param maxDuration    longest video accepted (from the container's duration)
     * @param frameSize      side of the square frames the patch backbone sees
     * @param patchSize      patch side of the descriptor: (frameSize / patchSize)² patches per frame
     * @param backbone       patch vectors: {@code auto} (the first installed vision tower, else the first
     *                       installed TiTok's patch states, else the descriptor), {@code descriptor}, or the
     *                       name of an installed vision tower or image tokenizer
     * @param device         where vision towers run: {@code auto} (CUDA when the model's engine can use it), {@code cpu}, {@code gpu}
     * @param jobThreshold   uploads larger than this run as a job (202 + {@code /v1/jobs/{id}}); smaller ones
     *                       too when the request says {@code async=true}
     */
    public record Video(
            @DefaultValue("2") double fps,
            @DefaultValue("32") int maxFrames,
            @DefaultValue("256") int maxFramesLimit,
            @DefaultValue("10m") java.time.Duration maxDuration,
            @DefaultValue("128") int frameSize,
            @DefaultValue("16") int patchSize,
            @DefaultValue("auto") String backbone,
            @DefaultValue("16MB") DataSize jobThreshold,
            @DefaultValue("auto") String device) {}

    /**
     * Audio tokenizers (EnCodec) installed under {@code <data-dir>/models/<name>/}.
     *
     * @param defaultModel model used when a request names none; when empty the first available one
     * @param device       {@code auto} (CUDA when PyTorch sees a GPU), {@code cpu} or {@code gpu}
     * @param maxDuration  longest audio accepted to tokenize, and longest a detokenize call may produce
     * @param bundled      serve the codecs shipped in the jar (trained by {@code tessera train encodec})
     */
    public record Audio(
            @DefaultValue("") String defaultModel,
            @DefaultValue("auto") String device,
            @DefaultValue("10m") java.time.Duration maxDuration,
            @DefaultValue("true") boolean bundled) {}

    public record Chunking(
            @DefaultValue("" + SearchDefaults.CHUNK_TOKENS) int tokens,
            @DefaultValue("" + SearchDefaults.CHUNK_OVERLAP) int overlap) {}

    /**
     * @param fusion         hybrid fusion: {@code adaptive}, {@code convex} or {@code rrf}
     * @param denseWeight    weight of the dense side in convex fusion
     * @param adaptiveWeight base weight of the dense side in adaptive fusion
     * @param adaptiveGamma  how far adaptive fusion leans towards the side with the stronger best match
     * @param candidates     candidates drawn from each side for hybrid search
     */
    public record Search(
            @DefaultValue(SearchDefaults.FUSION) String fusion,
            @DefaultValue("" + SearchDefaults.DENSE_WEIGHT) double denseWeight,
            @DefaultValue("" + SearchDefaults.ADAPTIVE_WEIGHT) double adaptiveWeight,
            @DefaultValue("" + SearchDefaults.ADAPTIVE_GAMMA) double adaptiveGamma,
            @DefaultValue("" + SearchDefaults.RRF_K) int rrfK,
            @DefaultValue("" + SearchDefaults.CANDIDATE_DEPTH) int candidates) {

        /** The configured fusion. */
        public dev.tessera.retrieval.search.Fusion fusionOf() {
            return fusionOf(null, null);
        }

        /**
         * A fusion by name (null: the configured one) and weight (null: the configured one for that
         * fusion: convex's dense weight, adaptive's base weight).
         */
        public dev.tessera.retrieval.search.Fusion fusionOf(String name, Double weight) {
            String chosen = (name == null ? fusion : name).trim().toLowerCase(java.util.Locale.ROOT);
            if (chosen.equals("adaptive")) {
                return new dev.tessera.retrieval.search.AdaptiveFusion(weight == null ? adaptiveWeight : weight,
                        adaptiveGamma);
            }
            return dev.tessera.retrieval.search.Fusion.of(chosen, weight == null ? denseWeight : weight, rrfK);
        }
    }

    /**
     * @param maxBodySize     largest JSON body or upload
     * @param maxBulkSize     largest NDJSON bulk body (spooled to disk)
     * @param maxEmbedInputs  most inputs in one embeddings request
     */
    public record Limits(
            @DefaultValue("20MB") DataSize maxBodySize,
            @DefaultValue("1GB") DataSize maxBulkSize,
            @DefaultValue("2048") int maxEmbedInputs) {}

    /**
     * {@code POST /v1/rag/context}. Tokenizers and projections are found under {@code <data-dir>/models/}.
     *
     * @param spans what ingest precomputes for crag and refrag per chunk (sentence and 16-token chunk
     *              vectors of the default context tokenizer): {@code late} (pooled from the chunk's own
     *              forward pass, no extra model work), {@code alone} (each embedded on its own, as a
     *              request would: about 3× the ingest work) or {@code none} (embedded on request)
     * @param warmup run crag and refrag on made-up candidates at start-up, before the service reports
     *               ready, so the first requests do not pay for compiling the assembly code
     */
    public record Rag(@DefaultValue Abstractive abstractive, @DefaultValue("late") String spans,
                      @DefaultValue("true") boolean warmup) {}

    /**
     * Abstractive CRAG: cluster extracts rewritten by an OpenAI-compatible chat endpoint. Off by
     * default, and requests asking for it are refused while it is off.
     *
     * @param endpoint             the API base; {@code /chat/completions} is appended
     * @param model                the chat model to ask; required when enabled
     * @param apiKey               sent as a bearer token when set
     * @param timeout              for connecting and for each answer
     * @param maxTokensPerSummary  upper bound on a summary's {@code max_tokens}
     */
    public record Abstractive(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("http://localhost:8000/v1") URI endpoint,
            @DefaultValue("") String model,
            @DefaultValue("") String apiKey,
            @DefaultValue("30s") Duration timeout,
            @DefaultValue("512") int maxTokensPerSummary) {}

    /**
     * The dashboard at {@code /admin} and {@code GET /v1/admin/stats}.
     *
     * @param sampleInterval how often per-endpoint request counts and latencies are read from the metrics registry
     * @param history        how far back the request charts reach
     */
    public record Admin(
            @DefaultValue("5s") Duration sampleInterval,
            @DefaultValue("10m") Duration history) {}

    /**
     * API keys. With none configured (the default, for local use) every endpoint is open. With keys,
     * writes and admin calls need {@code Authorization: Bearer <key>}; reads and computations too
     * when {@code protectReads} is set. From the environment: {@code TESSERA_SECURITY_APIKEYS=k1,k2}.
     *
     * @param apiKeys      accepted keys, each admin on every collection; blank entries are ignored
     * @param protectReads whether reads (GET, search, embeddings, RAG context, image tokens) need a key as well
     * @param keys         keys with a role and the collections they may touch
     */
    public record Security(
            @DefaultValue List<String> apiKeys,
            @DefaultValue("false") boolean protectReads,
            @DefaultValue List<Key> keys) {}

    /**
     * One scoped API key.
     *
     * @param role        {@code read} (reads and searches), {@code write} (also stores and deletes documents,
     *                    creates collections when its scope is {@code *}) or {@code admin} (also drops
     *                    collections, metrics and the dashboard)
     * @param collections the collections it may use, or {@code *} for all
     */
    public record Key(String key, @DefaultValue("read") String role, @DefaultValue("*") List<String> collections) {}
}
