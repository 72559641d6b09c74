package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a sync stops waiting: a follower that cannot catch up is told so in seconds, one that can is waited for. */
class CatchUpTest {

    @Test
    void aFollowerApplyingMoreSlowlyThanEntriesAreCommittedFailsOnceTheRatesAreMeasured() {
        // the demo's slow follower: 150 ms per apply (about 6/s) while the writer commits about 20/s
        CatchUp catchUp = new CatchUp("node-2", 1_000, 850);

        assertThat(catchUp.judge(Duration.ofMillis(1_000), 1_020, 856)).isEmpty();
        assertThat(catchUp.judge(Duration.ofMillis(2_000), 1_040, 862)).hasValueSatisfying(why -> assertThat(why)
                .contains("'node-2' is 178 entries behind the commit index (150 when the sync began)")
                .contains("it applies 6.0 entries/s while 20.0/s are committed")
                .contains("falls further behind"));
    }

    @Test
    void aFollowerClosingTheGapInTimeIsWaitedForAndOneThatWouldNotIsNot() {
        // 100 behind; after 2 s it applied 50/s while 20/s were committed: 40 left at 30/s, 1.3 s more
        CatchUp closing = new CatchUp("node-2", 1_000, 900);
        assertThat(closing.judge(Duration.ofSeconds(2), 1_040, 1_000)).isEmpty();

        // 100 behind; after 2 s it applied 20/s while 10/s were committed: 80 left at 10/s, 8 s more
        CatchUp crawling = new CatchUp("node-2", 1_000, 900);
        assertThat(crawling.judge(Duration.ofSeconds(2), 1_020, 940)).hasValueSatisfying(why ->
                assertThat(why).contains("needs about 8 s more, past the sync's 8 s"));
    }

    @Test
    void aCaughtUpFollowerIsNeverFailedBeforeTheBudgetAndEveryOneIsAtTheBudget() {
        CatchUp catchUp = new CatchUp("node-2", 1_000, 990);

        assertThat(catchUp.judge(Duration.ofSeconds(5), 1_000, 1_000)).isEmpty();
        assertThat(catchUp.judge(Duration.ofMillis(500), 1_500, 990)).isEmpty();
        assertThat(catchUp.judge(CatchUp.BUDGET, 1_000, 1_000)).hasValueSatisfying(why ->
                assertThat(why).contains("not caught up within 8 s"));
    }
}
