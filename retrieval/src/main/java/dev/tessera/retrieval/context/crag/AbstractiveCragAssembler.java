package dev.tessera.retrieval.context.crag;

import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextAssembler;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextSegment;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.tokenizers.text.TextTokenCounter.TokenPiece;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Abstractive CRAG, decorating the extractive {@link CragAssembler}: its clusters and their
 * extracts stay as they are, and each cluster's extract is rewritten by a {@link ClusterSummarizer}
 * (an LLM) asked to stay within the tokens the extract occupied. The summaries, in the extractive
 * cluster order and joined by {@link #SEPARATOR}, make the context; each is taken whole while the
 * whole context fits, otherwise cut to its longest token prefix that still fits, so the budget
 * holds whatever the LLM wrote. The segments stay the extractive sentences, as the provenance of
 * the summaries ({@link AssembledContext#summaries()}). Clusters are summarized concurrently; one
 * failure fails the assembly ({@link SummarizerException}).
 */
public final class AbstractiveCragAssembler implements ContextAssembler {

    private final ContextAssembler extractive;
    private final ClusterSummarizer summarizer;

    /** @param extractive the crag assembler whose segments carry cluster ids in rendering order */
    public AbstractiveCragAssembler(ContextAssembler extractive, ClusterSummarizer summarizer) {
        this.extractive = extractive;
        this.summarizer = summarizer;
    }

    @Override
    public String strategy() {
        return extractive.strategy();
    }

    @Override
    public AssembledContext assemble(ContextRequest request, List<ChunkHit> candidates) {
        AssembledContext extracted = extractive.assemble(request, candidates);
        Map<Integer, List<String>> extracts = new LinkedHashMap<>();
        for (ContextSegment s : extracted.segments()) {
            extracts.computeIfAbsent(s.clusterId(), c -> new ArrayList<>()).add(s.text());
        }
        if (extracts.isEmpty()) {
            return extracted.rewritten(extracted.context(), extracted.tokensUsed(), List.of());
        }
        List<Integer> clusters = List.copyOf(extracts.keySet());
        List<String> summaries = summarizeAll(request, clusters.stream()
                .map(c -> String.join(" ", extracts.get(c))).toList());

        List<String> parts = new ArrayList<>();
        List<ClusterSummary> paragraphs = new ArrayList<>();
        for (int i = 0; i < clusters.size(); i++) {
            String text = longestFittingPrefix(request, parts, summaries.get(i).strip());
            if (!text.isEmpty()) {
                parts.add(text);
                paragraphs.add(new ClusterSummary(clusters.get(i), text, request.tokenizer().count(text)));
            }
        }
        String context = String.join(SEPARATOR, parts);
        return extracted.rewritten(context, request.tokenizer().count(context), paragraphs);
    }

    /** One summary per extract, in order; the first failure, whichever call it is, fails all at once. */
    private List<String> summarizeAll(ContextRequest request, List<String> extracts) {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletionService<Integer> done = new ExecutorCompletionService<>(pool);
            String[] out = new String[extracts.size()];
            for (int i = 0; i < extracts.size(); i++) {
                int c = i;
                done.submit(() -> {
                    String e = extracts.get(c);
                    out[c] = summarizer.summarize(request.query(), e, request.tokenizer().count(e));
                    return c;
                });
            }
            try {
                for (int i = 0; i < extracts.size(); i++) {
                    done.take().get();
                }
            } catch (ExecutionException | InterruptedException e) {
                pool.shutdownNow(); // the context is lost anyway: stop waiting on the other calls
                throw e;
            }
            return List.of(out);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new SummarizerException("summarizer failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SummarizerException("interrupted while summarizing", e);
        }
    }

    /** {@code text} whole when it fits after {@code parts}, else its longest fitting token prefix (maybe empty). */
    private static String longestFittingPrefix(ContextRequest request, List<String> parts, String text) {
        if (text.isEmpty() || fits(request, parts, text)) {
            return text;
        }
        List<TokenPiece> tokens = request.tokenizer().split(text, 1);
        int lo = 0, hi = tokens.size() - 1; // prefixes of 1..hi tokens; the whole text did not fit
        String best = "";
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            String prefix = text.substring(0, tokens.get(mid - 1).end()).strip();
            if (fits(request, parts, prefix)) {
                best = prefix;
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    private static boolean fits(ContextRequest request, List<String> parts, String next) {
        List<String> all = new ArrayList<>(parts);
        all.add(next);
        return request.fits(String.join(SEPARATOR, all));
    }
}
