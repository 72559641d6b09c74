package org.distributedtesting.recovery.core.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.distributedtesting.recovery.core.http.server.ConnectionLimits.Admission;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {

    private static final InetAddress A = address(2);
    private static final InetAddress B = address(3);
    private static final InetAddress C = address(4);

    @Test
    void aClientAtItsCapIsRefusedAndOthersAreNot() {
        ConnectionLimits limits = new ConnectionLimits(2, 10);

        assertThat(limits.admit(A)).isEqualTo(Admission.ADMITTED);
        assertThat(limits.admit(A)).isEqualTo(Admission.ADMITTED);
        assertThat(limits.admit(A)).isEqualTo(Admission.CLIENT_AT_CAP);
        assertThat(limits.admit(B)).isEqualTo(Admission.ADMITTED);
        assertThat(limits.open(A)).isEqualTo(2);
        assertThat(limits.open()).isEqualTo(3);
    }

    @Test
    void theServerAtItsCapRefusesEveryClient() {
        ConnectionLimits limits = new ConnectionLimits(2, 3);
        limits.admit(A);
        limits.admit(A);
        limits.admit(B);

        assertThat(limits.admit(C)).isEqualTo(Admission.SERVER_AT_CAP);
        assertThat(limits.admit(B)).isEqualTo(Admission.SERVER_AT_CAP);
    }

    @Test
    void anEndedConnectionFreesItsSlot() {
        // Given a client at its cap
        ConnectionLimits limits = new ConnectionLimits(1, 10);
        limits.admit(A);

        // When its connection ends
        limits.release(A);

        // Then it is admitted again, and nothing of it is left while it has none
        assertThat(limits.open(A)).isZero();
        assertThat(limits.open()).isZero();
        assertThat(limits.admit(A)).isEqualTo(Admission.ADMITTED);
    }

    @Test
    void releasingAConnectionThatWasNeverAdmittedIsABug() {
        ConnectionLimits limits = new ConnectionLimits(1, 10);

        assertThatThrownBy(() -> limits.release(A)).isInstanceOf(IllegalStateException.class)
                .hasMessage("no open connection of /127.0.0.2 to release");
    }

    @Test
    void capsMustBePositive() {
        assertThatThrownBy(() -> new ConnectionLimits(0, 10))
                .hasMessage("maxConnectionsPerClient must be > 0, but was 0");
        assertThatThrownBy(() -> new ConnectionLimits(1, -1)).hasMessage("maxConnections must be > 0, but was -1");
    }

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
