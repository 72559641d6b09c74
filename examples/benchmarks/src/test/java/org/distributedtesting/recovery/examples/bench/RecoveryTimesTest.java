package org.distributedtesting.recovery.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.junit.jupiter.api.Test;

class RecoveryTimesTest {

    @Test
    void measuresEveryFailureTypeAndPrintsOneRowEach() {
        List<RecoveryTimes.Row> rows = RecoveryTimes.measure(3, 1);

        assertThat(rows).extracting(RecoveryTimes.Row::type).containsExactlyElementsOf(FailureType.standard());
        assertThat(rows).allSatisfy(r -> assertThat(r.runs()).isEqualTo(1));
        String table = RecoveryTimes.table(rows);
        assertThat(table.lines()).hasSize(2 + FailureType.standard().size());
        assertThat(table).contains("| process_crash | 1/1 |");
    }
}
