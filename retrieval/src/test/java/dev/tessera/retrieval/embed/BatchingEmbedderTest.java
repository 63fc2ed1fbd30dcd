package dev.tessera.retrieval.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.context.HashedWordsEmbedder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchingEmbedderTest {

    /** Holds every forward pass until released, so a test can fill the queue deterministically. */
    static final class Gated extends ForwardingEmbedder {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);

        Gated() {
            super(new HashedWordsEmbedder(8));
        }

        @Override
        public List<float[]> embed(List<String> texts, Role role) {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return delegate.embed(texts, role);
        }
    }

    private static void awaitQueued(BatchingEmbedder b, long texts) throws InterruptedException {
        for (int i = 0; i < 500 && b.queuedTexts() != texts; i++) {
            Thread.sleep(10);
        }
        assertThat(b.queuedTexts()).isEqualTo(texts);
    }

    /** Three texts in a forward pass the gate holds: they stay queued until the gate opens. */
    private static CompletableFuture<List<float[]>> holdThreeTexts(Gated gated, BatchingEmbedder b) throws Exception {
        CompletableFuture<List<float[]>> held = CompletableFuture.supplyAsync(
                () -> b.embed(List.of("a", "b", "c"), Embedder.Role.DOCUMENT));
        assertThat(gated.entered.await(10, TimeUnit.SECONDS)).isTrue();
        awaitQueued(b, 3);
        return held;
    }

    @Test
    void aCallThatWouldOverflowTheQueueIsRefusedWholeAndTheRestStillRuns() throws Exception {
        Gated gated = new Gated();
        try (BatchingEmbedder b = new BatchingEmbedder(gated, 32, 8192, 0, 4, Long.MAX_VALUE)) {
            CompletableFuture<List<float[]>> first = holdThreeTexts(gated, b);

            assertThatThrownBy(() -> b.embed(List.of("d", "e"), Embedder.Role.DOCUMENT))
                    .isInstanceOf(EmbeddingQueueFullException.class)
                    .satisfies(e -> assertThat(((EmbeddingQueueFullException) e).retryAfterSeconds()).isBetween(1L, 60L));
            assertThat(b.rejections()).isEqualTo(1);
            assertThat(b.queuedTexts()).as("nothing of the refused call was queued").isEqualTo(3);

            CompletableFuture<List<float[]>> fits = CompletableFuture.supplyAsync(
                    () -> b.embed(List.of("f"), Embedder.Role.QUERY));
            awaitQueued(b, 4);
            gated.release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).hasSize(3);
            assertThat(fits.get(10, TimeUnit.SECONDS)).hasSize(1);
            awaitQueued(b, 0);
            assertThat(b.queuedTokens()).isZero();
        }
    }

    @Test
    void spanEmbeddingIsAdmittedAgainstTheSameQueueAndReleasesItsShare() throws Exception {
        Gated gated = new Gated();
        try (BatchingEmbedder b = new BatchingEmbedder(gated, 32, 8192, 0, 4, Long.MAX_VALUE)) {
            CompletableFuture<List<float[]>> first = holdThreeTexts(gated, b);
            assertThatThrownBy(() -> b.embedWithSpans(List.of("d e", "f"), List.of(List.of(new int[] {0, 1}), List.of()),
                    Embedder.Role.DOCUMENT)).isInstanceOf(EmbeddingQueueFullException.class);
            gated.release.countDown();
            first.get(10, TimeUnit.SECONDS);
            awaitQueued(b, 0);
            List<Embedder.Spanned> spanned = b.embedWithSpans(List.of("d e", "f"),
                    List.of(List.of(new int[] {2, 3}), List.of()), Embedder.Role.DOCUMENT);
            // HashedWordsEmbedder cannot see token states: each span is embedded as a text of its own.
            assertThat(spanned.getFirst().spans()[0]).isEqualTo(gated.embed("e", Embedder.Role.DOCUMENT));
            assertThat(b.queuedTexts()).isZero();
            assertThat(b.queuedTokens()).isZero();
        }
    }

    @Test
    void anEmptyQueueAdmitsOneCallLargerThanItsLimit() {
        Gated gated = new Gated();
        gated.release.countDown();
        try (BatchingEmbedder b = new BatchingEmbedder(gated, 32, 8192, 0, 2, 3)) {
            assertThat(b.embed(List.of("one two three", "four five", "six", "seven eight nine ten"),
                    Embedder.Role.DOCUMENT)).hasSize(4);
            assertThat(b.rejections()).isZero();
            assertThat(b.queuedTexts()).isZero();
        }
    }

    @Test
    void theTokenLimitRefusesToo() throws Exception {
        Gated gated = new Gated();
        try (BatchingEmbedder b = new BatchingEmbedder(gated, 32, 8192, 0, 1_000, 10)) {
            CompletableFuture<List<float[]>> first = CompletableFuture.supplyAsync(
                    () -> b.embed(List.of("one two three four five six"), Embedder.Role.DOCUMENT));
            assertThat(gated.entered.await(10, TimeUnit.SECONDS)).isTrue();
            long held = b.queuedTokens();
            assertThat(held).isPositive();
            assertThatThrownBy(() -> b.embed(List.of("seven eight nine ten eleven twelve"), Embedder.Role.DOCUMENT))
                    .isInstanceOf(EmbeddingQueueFullException.class).hasMessageContaining("tokens");
            gated.release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).hasSize(1);
        }
    }
}
