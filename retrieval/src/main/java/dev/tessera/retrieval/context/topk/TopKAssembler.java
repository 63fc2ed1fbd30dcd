package dev.tessera.retrieval.context.topk;

import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextAssembler;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextSegment;
import dev.tessera.retrieval.context.Sentences;
import dev.tessera.retrieval.index.ChunkHit;
import java.util.ArrayList;
import java.util.List;

/**
 * The baseline: candidates in rank order, whole, joined by {@link #SEPARATOR}, until the next one
 * does not fit; that one is cut after its last sentence (JDK {@code BreakIterator}) that still
 * fits, and assembly stops. Only when the context would otherwise stay empty (the first
 * candidate's first sentence alone is over budget) is it cut at a word boundary instead, so tiny
 * budgets still get some text.
 */
public final class TopKAssembler implements ContextAssembler {

    @Override
    public String strategy() {
        return "topk";
    }

    @Override
    public AssembledContext assemble(ContextRequest request, List<ChunkHit> candidates) {
        List<String> parts = new ArrayList<>();
        List<ContextSegment> segments = new ArrayList<>();
        for (ChunkHit hit : candidates) {
            String text = hit.text();
            int from = leadingSpace(text);
            int to = text.length() - trailingSpace(text);
            if (from >= to) {
                continue;
            }
            int cut = to;
            if (!fits(request, parts, text.substring(from, to))) {
                cut = lastFittingSentenceEnd(request, parts, text, from, to);
                if (cut <= from && parts.isEmpty()) {
                    cut = lastFittingWordEnd(request, text, from, to);
                }
            }
            if (cut > from) {
                String piece = text.substring(from, cut);
                parts.add(piece);
                segments.add(new ContextSegment(hit.docId(), hit.chunkId(), piece, hit.start() + from,
                        hit.start() + cut, request.tokenizer().count(piece), hit.score(), null, null, null, null, null));
            }
            if (cut < to) {
                break;
            }
        }
        String context = String.join(SEPARATOR, parts);
        return AssembledContext.of(strategy(), context, segments, request.tokenizer().count(context),
                ContextAssembler.baselineTokens(request, candidates));
    }

    private static boolean fits(ContextRequest request, List<String> parts, String next) {
        List<String> all = new ArrayList<>(parts);
        all.add(next);
        return request.fits(String.join(SEPARATOR, all));
    }

    private static int lastFittingSentenceEnd(ContextRequest request, List<String> parts, String text, int from, int to) {
        int best = from;
        for (int[] sentence : Sentences.spans(text.substring(from, to))) {
            int end = from + sentence[1];
            if (!fits(request, parts, text.substring(from, end))) {
                break;
            }
            best = end;
        }
        return best;
    }

    /** Binary search over word ends; token counts grow with the prefix, so the search is sound. */
    private static int lastFittingWordEnd(ContextRequest request, String text, int from, int to) {
        List<Integer> wordEnds = new ArrayList<>();
        for (int i = from + 1; i <= to; i++) {
            if (i == to || (Character.isWhitespace(text.charAt(i)) && !Character.isWhitespace(text.charAt(i - 1)))) {
                wordEnds.add(i);
            }
        }
        int lo = 0, hi = wordEnds.size() - 1, best = from;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int end = wordEnds.get(mid);
            if (request.fits(text.substring(from, end))) {
                best = end;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    private static int leadingSpace(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    private static int trailingSpace(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(s.length() - 1 - i))) i++;
        return i;
    }
}
