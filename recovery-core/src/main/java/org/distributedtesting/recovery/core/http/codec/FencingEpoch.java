package org.distributedtesting.recovery.core.http.codec;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.distributedtesting.recovery.core.http.ProtocolException;

/**
 * The fencing epoch of the node protocol on both sides: the {@value #HEADER} header a recovery daemon sends with
 * every control request, and the members of the 409 answer with which a node refuses a stale one
 * ({@code docs/node-protocol.md}, "Fencing").
 *
 * <p>Stateless and thread-safe.
 */
public final class FencingEpoch {

    /** The request header that carries the daemon's epoch: a positive decimal number. */
    public static final String HEADER = "Recovery-Epoch";

    /** The member of a 409 refusal that holds the highest epoch the node has accepted. */
    public static final String FENCED_EPOCH = "fenced_epoch";

    /** The member of a 409 refusal that holds the epoch the refused request carried; absent when it had none. */
    public static final String REQUEST_EPOCH = "request_epoch";

    /** One to nineteen digits and nothing else: no sign, no space, no exponent. */
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

    private FencingEpoch() {
    }

    /**
     * The epoch to send now: the supplier's value when it is positive, otherwise 0, which means none.
     *
     * @throws NullPointerException if {@code epoch} is null
     */
    public static long current(LongSupplier epoch) {
        long value = epoch.getAsLong();
        return value > 0 ? value : 0;
    }

    /** Adds {@value #HEADER} when {@code epoch} is positive; 0 or less sends no header. */
    public static void send(HttpRequest.Builder request, long epoch) {
        if (epoch > 0) {
            request.header(HEADER, Long.toString(epoch));
        }
    }

    /**
     * The epoch a request carries in {@code values}, every value of its {@value #HEADER} header.
     *
     * @return the epoch, or empty when the request has no such header
     * @throws ProtocolException if the header is there more than once, or its value is not a positive decimal
     *                           number that fits a signed 64-bit integer; the message names the header
     */
    public static OptionalLong parse(List<String> values) {
        if (values.isEmpty()) {
            return OptionalLong.empty();
        }
        if (values.size() > 1) {
            throw new ProtocolException(HEADER + " must be sent once, but was sent " + values.size() + " times");
        }
        String value = values.get(0).strip();
        if (DIGITS.matcher(value).matches()) {
            try {
                long epoch = Long.parseLong(value);
                if (epoch > 0) {
                    return OptionalLong.of(epoch);
                }
            } catch (NumberFormatException tooLarge) {
                // answered below, as any other value that is not an epoch
            }
        }
        throw new ProtocolException(HEADER + " must be a positive decimal number of at most "
                + Long.MAX_VALUE + ", but was \"" + JsonReads.shorten(value) + "\"");
    }
}
