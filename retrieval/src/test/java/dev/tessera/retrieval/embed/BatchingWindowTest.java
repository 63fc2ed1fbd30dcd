package dev.tessera.retrieval.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.context.HashedWordsEmbedder;
import dev.tessera.retrieval.embed.BatchingEmbedder.Pending;
import dev.tessera.retrieval.embed.Embedder.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** How {@link BatchingEmbedder} cuts forward passes out of the texts waiting. */
class BatchingWindowTest {

    private static Pending pending(long seq, Role role, int tokens) {
        return new Pending(seq, "t" + seq, role, tokens, new CompletableFuture<>());
    }

    private static List<Pending> randomWindow(Random random, int size) {
        List<Pending> window = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            // Chunk lengths as ingest sees them: titles and short tails beside full 256-token chunks.
            int tokens = random.nextInt(3) == 0 ? 8 + random.nextInt(40) : 100 + random.nextInt(160);
            window.add(pending(i, random.nextInt(10) == 0 ? Role.QUERY : Role.DOCUMENT, tokens));
        }
        java.util.Collections.shuffle(window, random); // arrival order is seq, not list order
        return window;
    }

    @RepeatedTest(20)
    void everyPassHoldsTheOldestOfItsRoleStaysWithinLimitsAndIsContiguousInLength(org.junit.jupiter.api.RepetitionInfo r) {
        Random random = new Random(r.getCurrentRepetition());
        List<Pending> window = randomWindow(random, 50 + random.nextInt(300));
        int maxTexts = 1 + random.nextInt(40);
        int maxTokens = 300 + random.nextInt(8000);
        int passes = 0;
        while (!window.isEmpty()) {
            List<Pending> pass = BatchingEmbedder.nextPass(window, maxTexts, maxTokens);
            assertThat(pass).isNotEmpty();
            Role role = pass.getFirst().role();
            assertThat(pass).allMatch(p -> p.role() == role);
            if (role == Role.DOCUMENT) {
                assertThat(window).noneMatch(p -> p.role() == Role.QUERY); // queries first
            }
            long oldest = window.stream().filter(p -> p.role() == role).mapToLong(Pending::seq).min().orElseThrow();
            assertThat(pass).anyMatch(p -> p.seq() == oldest);
            int longest = pass.stream().mapToInt(Pending::tokens).max().orElseThrow();
            assertThat(pass.size()).isLessThanOrEqualTo(maxTexts);
            if (pass.size() > 1) {
                assertThat((long) pass.size() * longest).isLessThanOrEqualTo(maxTokens);
            }
            // No text of the role left behind lies strictly inside the pass's length range.
            int shortest = pass.stream().mapToInt(Pending::tokens).min().orElseThrow();
            List<Pending> rest = new ArrayList<>(window);
            rest.removeAll(pass);
            assertThat(rest).noneMatch(p -> p.role() == role && p.tokens() > shortest && p.tokens() < longest);
            window = rest;
            passes++;
        }
        assertThat(passes).isPositive();
    }

    @Test
    void passesCutByLengthPadLessThanPassesInArrivalOrder() {
        Random random = new Random(7);
        List<Pending> window = randomWindow(random, 320).stream().map(p -> pending(p.seq(), Role.DOCUMENT, p.tokens()))
                .sorted(Comparator.comparingLong(Pending::seq)).toList();
        double fifo = padding(partition(window, 32));
        List<List<Pending>> sortedPasses = new ArrayList<>();
        List<Pending> left = new ArrayList<>(window);
        while (!left.isEmpty()) {
            List<Pending> pass = BatchingEmbedder.nextPass(left, 32, 1 << 20);
            sortedPasses.add(pass);
            left.removeAll(pass);
        }
        double cut = padding(sortedPasses);
        assertThat(fifo).isGreaterThan(0.2);
        assertThat(cut).isLessThan(fifo / 4);
    }

    @Test
    void theServedBatcherReportsItsPadding() {
        // Passes of two, with time to gather both texts of the call into one pass.
        try (BatchingEmbedder batcher = new BatchingEmbedder(new HashedWordsEmbedder(8), 2, 1 << 16, 5_000)) {
            assertThat(batcher.paddingShare()).isZero();
            batcher.embed(List.of("one", "one two three four five six seven eight"), Role.DOCUMENT);
            assertThat(batcher.paddingShare()).isGreaterThan(0).isLessThan(1);
        }
    }

    private static List<List<Pending>> partition(List<Pending> texts, int size) {
        List<List<Pending>> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i += size) {
            out.add(texts.subList(i, Math.min(texts.size(), i + size)));
        }
        return out;
    }

    private static double padding(List<List<Pending>> passes) {
        long tokens = 0;
        long positions = 0;
        for (List<Pending> pass : passes) {
            int longest = pass.stream().mapToInt(Pending::tokens).max().orElse(0);
            positions += (long) longest * pass.size();
            tokens += pass.stream().mapToInt(Pending::tokens).sum();
        }
        return 1 - (double) tokens / positions;
    }
}
