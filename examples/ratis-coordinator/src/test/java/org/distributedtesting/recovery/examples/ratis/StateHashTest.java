package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.distributedtesting.recovery.examples.ratis.StateHash.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateHashTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void theSumDoesNotDependOnTheOrderRowsWereAddedOrRemovedIn(long seed) {
        // Given random rows
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(new Row("tasks", "t-" + random.nextInt(1000), random.nextBoolean() ? null : "w",
                    (long) random.nextInt()));
        }

        // When they are added in two orders, and some removed again
        StateHash forward = StateHash.EMPTY;
        for (Row row : rows) {
            forward = forward.plus(row);
        }
        List<Row> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, random);
        StateHash backward = StateHash.EMPTY;
        for (Row row : shuffled) {
            backward = backward.plus(row);
        }
        StateHash withoutFirstTen = forward;
        for (Row row : rows.subList(0, 10)) {
            withoutFirstTen = withoutFirstTen.minus(row);
        }
        StateHash onlyTheRest = StateHash.EMPTY;
        for (Row row : rows.subList(10, rows.size())) {
            onlyTheRest = onlyTheRest.plus(row);
        }

        // Then the sums agree
        assertThat(backward).isEqualTo(forward);
        assertThat(withoutFirstTen).isEqualTo(onlyTheRest);
        assertThat(forward.rows()).isEqualTo(50);
    }

    @Test
    void distinguishesNullFromEmptyAndFieldBoundaries() {
        assertThat(StateHash.EMPTY.plus(new Row("tasks", (Object) null)))
                .isNotEqualTo(StateHash.EMPTY.plus(new Row("tasks", "")));
        assertThat(StateHash.EMPTY.plus(new Row("tasks", "ab", "c")))
                .isNotEqualTo(StateHash.EMPTY.plus(new Row("tasks", "a", "bc")));
        assertThat(StateHash.EMPTY.plus(new Row("tasks", "1"))).isNotEqualTo(StateHash.EMPTY.plus(new Row("tasks", 1L)));
    }

    @Test
    void itsTextualFormReadsBack() {
        StateHash hash = StateHash.EMPTY.plus(new Row("workers", "w-1", null, 3L, 7L));
        assertThat(StateHash.parse(hash.value())).isEqualTo(hash);
        assertThat(StateHash.EMPTY.value()).isEqualTo("0:" + "0".repeat(32));
        assertThatThrownBy(() -> StateHash.parse("12:abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rows:32 hex digits");
    }
}
