package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultHooksTest {

    @TempDir
    Path root;

    @Test
    void withoutTheFlagNoFaultCanBeInjected() throws Exception {
        FaultHooks hooks = FaultHooks.disabled();

        assertThatThrownBy(hooks::hangApply).isInstanceOf(IllegalStateException.class)
                .hasMessage("fault hooks are off: start the node with --fault-hooks");
        assertThatThrownBy(() -> hooks.slowApply(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> hooks.fillDisk(new DataDir(root), 1 << 20, 0.5))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> hooks.divergeApply(1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("fault hooks are off: start the node with --fault-hooks");
        assertThat(hooks.payloadToStore("run suite t-1")).isEqualTo("run suite t-1");
        hooks.beforeApply();
        assertThat(hooks.holdingApply()).isFalse();
    }

    @Test
    void fillingTheDiskWritesUpToTheRatioOfTheQuotaAndNoFurther() throws Exception {
        FaultHooks hooks = FaultHooks.enabled();
        DataDir dir = new DataDir(root);

        Path fill = hooks.fillDisk(dir, 4 << 20, 0.5);

        assertThat(fill.getFileName().toString()).startsWith(FaultHooks.FILL_PREFIX);
        assertThat(DataDir.sizeOf(root)).isEqualTo(2 << 20);
        assertThat(hooks.fillDisk(dir, 4 << 20, 0.5)).isNull();
        assertThatThrownBy(() -> hooks.fillDisk(dir, 4 << 20, 1.5)).hasMessage("ratio must be in (0, 1], but was 1.5");
    }

    @Test
    void divergingChangesExactlyTheNextCountPayloadsUntilCleared() {
        // Given hooks told to make the next two inserts wrong
        FaultHooks hooks = FaultHooks.enabled();
        hooks.divergeApply(2);

        // When three payloads are stored
        String first = hooks.payloadToStore("a");
        String second = hooks.payloadToStore("b");
        String third = hooks.payloadToStore("c");

        // Then the first two are changed and the third is not
        assertThat(first).isEqualTo("a" + FaultHooks.DIVERGED_MARK);
        assertThat(second).isEqualTo("b" + FaultHooks.DIVERGED_MARK);
        assertThat(third).isEqualTo("c");
        assertThat(hooks.divergentAppliesPending()).isZero();
    }

    @Test
    void clearingEndsPendingWrongAppliesAndABadCountIsRefused() {
        FaultHooks hooks = FaultHooks.enabled();
        hooks.divergeApply(5);

        hooks.clear();

        assertThat(hooks.divergentAppliesPending()).isZero();
        assertThat(hooks.payloadToStore("a")).isEqualTo("a");
        assertThatThrownBy(() -> hooks.divergeApply(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("count must be > 0, but was 0");
    }
}
