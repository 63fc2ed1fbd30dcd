package dev.tessera.retrieval.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.InvalidRequestException;
import org.junit.jupiter.api.Test;

class ContextRequestTest {

    private final ContextTokenizer o200k = ContextTokenizer.openAi("o200k_base");

    @Test
    void rejectsBadBudgetsReservesChunkSizesAndEmptyQueriesNamingTheField() {
        assertField(() -> new ContextRequest(" ", 100, 0, o200k), "query");
        assertField(() -> new ContextRequest("q", 0, 0, o200k), "budget_tokens");
        assertField(() -> new ContextRequest("q", 100, 100, o200k), "reserve_tokens");
        assertField(() -> new ContextRequest("q", 100, -1, o200k), "reserve_tokens");
        assertField(() -> new ContextRequest("q", 100, 0, o200k, 0, false), "chunk_tokens");
        assertField(() -> new ContextAssemblers(new HashedWordsEmbedder(8)).forStrategy("mmr"), "strategy");
    }

    @Test
    void availableTokensIsTheBudgetLessTheReserve() {
        ContextRequest request = new ContextRequest("q", 512, 64, o200k);
        assertThat(request.availableTokens()).isEqualTo(448);
        assertThat(request.chunkTokens()).isEqualTo(ContextRequest.DEFAULT_CHUNK_TOKENS);
        assertThat(new ContextAssemblers(new HashedWordsEmbedder(8)).strategies()).containsExactly("topk", "crag", "refrag");
    }

    private static void assertField(Runnable r, String field) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.field()).isEqualTo(field));
    }
}
