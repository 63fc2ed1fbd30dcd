package dev.tessera.services.rag;

import dev.tessera.retrieval.context.ContextAssembler;
import dev.tessera.retrieval.context.ContextAssemblers;
import dev.tessera.retrieval.context.ContextPrecompute;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextTokenizer;
import dev.tessera.retrieval.context.EmbeddingCache;
import dev.tessera.retrieval.context.crag.CragAssembler;
import dev.tessera.retrieval.context.refrag.RefragAssembler;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.SpanVectors;
import dev.tessera.services.config.TesseraProperties;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Runs crag and refrag some dozens of times on made-up candidates at start-up, before the service
 * reports ready, so the first users' context requests do not pay for the JVM compiling the
 * assembly code (docs/benchmarks.md: cold /v1/rag/context). It uses a cache of its own and the
 * path a request takes: span vectors computed as ingest computes them, offered to the cache, the
 * question embedded.
 */
@Component
public class AssemblyWarmup implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AssemblyWarmup.class);
    private static final String[] WORDS = ("the wing boundary layer shock wave pressure flow heat transfer nozzle "
            + "throat supersonic subsonic pilot flight engine thrust lift drag cylinder plate surface velocity "
            + "temperature turbulent laminar separation reynolds number mach angle attack").split(" ");
    static final int ROUNDS = 48;

    private final ContextAssemblers assemblers;
    private final boolean enabled;

    @org.springframework.beans.factory.annotation.Autowired
    public AssemblyWarmup(ContextAssemblers assemblers, TesseraProperties properties) {
        this(assemblers, properties.rag().warmup());
    }

    AssemblyWarmup(ContextAssemblers assemblers, boolean enabled) {
        this.assemblers = assemblers;
        this.enabled = enabled;
    }

    /** Spring calls runners before the readiness state turns to accepting traffic. */
    @Override
    public void run(ApplicationArguments args) {
        if (enabled) {
            run();
        }
    }

    /** The warm-up itself; returns the assemblies run. */
    int run() {
        long started = System.nanoTime();
        int assembled = 0;
        try {
            Embedder embedder = assemblers.embeddings().embedder();
            ContextTokenizer tokenizer = ContextTokenizer.openAi(ContextTokenizers.DEFAULT);
            Random random = new Random(1);
            List<ChunkHit> hits = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                StringBuilder text = new StringBuilder();
                for (int s = 0; s < 5; s++) {
                    for (int w = 0; w < 12 + random.nextInt(12); w++) {
                        text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
                    }
                    text.append(". ");
                }
                String t = text.toString().strip();
                hits.add(new ChunkHit("warmup-" + i, "warmup-" + i + "#0", 0, 1f / (i + 1), "", t, 0, t.length(), List.of()));
            }
            List<String> texts = hits.stream().map(ChunkHit::text).toList();
            ContextPrecompute.Result spans = new ContextPrecompute(tokenizer, ContextRequest.DEFAULT_CHUNK_TOKENS,
                    ContextPrecompute.Source.LATE).embed(embedder, texts, texts);
            Map<String, SpanVectors> byChunk = new HashMap<>();
            for (int i = 0; i < hits.size(); i++) {
                byChunk.put(hits.get(i).chunkId(), SpanVectors.decode(spans.spans().get(i).encode()));
            }
            EmbeddingCache cache = new EmbeddingCache(embedder, 10_000);
            List<ContextAssembler> strategies = List.of(new CragAssembler(cache), new RefragAssembler(cache));
            for (int round = 0; round < ROUNDS; round++) {
                cache.offer(hits, byChunk);
                String query = WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)];
                for (ContextAssembler a : strategies) {
                    a.assemble(new ContextRequest(query, 128 << (round % 3), 0, tokenizer), hits);
                    assembled++;
                }
            }
            log.info("context assembly warmed up: {} assemblies in {} ms", assembled, (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            log.warn("context assembly warm-up stopped: {}", e.getMessage());
        }
        return assembled;
    }
}
