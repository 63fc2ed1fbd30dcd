package dev.tessera.benchmarks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgsTest {

    @Test
    void readsWordsRepeatedOptionsAndNumberLists() {
        Args a = Args.parse(new String[] {"bench", "vectors", "--dataset", "A", "--dataset=B", "--sizes", "10000,100_000"});
        assertThat(a.words()).containsExactly("bench", "vectors");
        assertThat(a.all("dataset")).containsExactly("A", "B");
        assertThat(a.getInts("sizes", List.of())).containsExactly(10_000, 100_000);
        assertThat(a.getInt("queries", 1000)).isEqualTo(1000);
    }

    @Test
    void refusesUnknownOptionsAndMissingValues() {
        assertThatThrownBy(() -> Args.parse(new String[] {"eval", "ir", "--datset", "x"}).allow("dataset"))
                .isInstanceOf(UsageException.class).hasMessageContaining("--datset");
        assertThatThrownBy(() -> Args.parse(new String[] {"--dataset"})).isInstanceOf(UsageException.class);
    }
}
