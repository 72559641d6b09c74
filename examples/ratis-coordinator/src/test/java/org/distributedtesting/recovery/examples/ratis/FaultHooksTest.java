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
}
