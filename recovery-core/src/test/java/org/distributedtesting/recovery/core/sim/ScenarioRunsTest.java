package org.distributedtesting.recovery.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Scenarios run side by side are handed over in scenario order, and a scenario's exception ends the run. */
class ScenarioRunsTest {

    @Test
    void handsOutcomesOverInScenarioOrderWhenALaterOneEndsFirst() {
        // Given scenario 0 that ends only after scenario 1 has ended
        CountDownLatch secondDone = new CountDownLatch(1);
        List<Integer> handedOver = new ArrayList<>();
        List<String> finished = java.util.Collections.synchronizedList(new ArrayList<>());

        // When ten run on two threads
        ScenarioRuns.run(10, 2, i -> {
            if (i == 0) {
                await(secondDone);
            }
            finished.add("scenario " + i);
            if (i == 1) {
                secondDone.countDown();
            }
            return i;
        }, handedOver::add);

        // Then 1 finished before 0, and still every outcome came in order
        assertThat(finished.indexOf("scenario 1")).isLessThan(finished.indexOf("scenario 0"));
        assertThat(handedOver).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void runsOnTheCallingThreadWithOneThread() {
        // Given the calling thread
        Thread caller = Thread.currentThread();
        List<Thread> ranOn = new ArrayList<>();

        // When three scenarios run on one thread
        ScenarioRuns.run(3, 1, i -> {
            ranOn.add(Thread.currentThread());
            return i;
        }, i -> { });

        // Then each ran on the caller
        assertThat(ranOn).containsOnly(caller).hasSize(3);
    }

    @Test
    void aScenarioThatThrowsEndsTheRunWithItsException() {
        // Given scenario 3 of 20 that throws
        List<Integer> handedOver = new ArrayList<>();

        // When they run on two threads, then the exception reaches the caller as it was thrown
        assertThatThrownBy(() -> ScenarioRuns.run(20, 2, i -> {
            if (i == 3) {
                throw new IllegalStateException("scenario 3 broke");
            }
            return i;
        }, handedOver::add)).isInstanceOf(IllegalStateException.class).hasMessage("scenario 3 broke");
        // and only the scenarios before it were handed over
        assertThat(handedOver).containsExactly(0, 1, 2);
    }

    @Test
    void rejectsNoThreads() {
        assertThatThrownBy(() -> ScenarioRuns.run(1, 0, i -> i, i -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("threads must be > 0, but was 0");
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).as("scenario 1 ended within 30 s").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
