package org.distributedtesting.recovery.examples.ratis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A checksum of the content of the coordinator's tables that is cheap to keep current: the sum, modulo 2^128, of
 * a 128-bit SHA-256 prefix of every row, plus the row count. Adding or removing a row adds or subtracts its hash,
 * so an apply updates the checksum in O(1) instead of rereading the tables; the sum does not depend on row order,
 * so a full recomputation from the tables (the database check) must give the same value.
 *
 * <p>Immutable and thread-safe.
 *
 * @param high high 64 bits of the sum
 * @param low  low 64 bits of the sum
 * @param rows number of rows
 */
record StateHash(long high, long low, long rows) {

    /** The checksum of empty tables. */
    static final StateHash EMPTY = new StateHash(0, 0, 0);

    /** This checksum with {@code row} added. */
    StateHash plus(Row row) {
        long[] h = row.hash();
        long newLow = low + h[1];
        long carry = Long.compareUnsigned(newLow, low) < 0 ? 1 : 0;
        return new StateHash(high + h[0] + carry, newLow, rows + 1);
    }

    /** This checksum with {@code row} taken out. */
    StateHash minus(Row row) {
        long[] h = row.hash();
        long newLow = low - h[1];
        long borrow = Long.compareUnsigned(low, h[1]) < 0 ? 1 : 0;
        return new StateHash(high - h[0] - borrow, newLow, rows - 1);
    }

    /** The textual form, {@code rows:32-hex-digits}, as stored in the database and reported in the status. */
    String value() {
        return rows + ":" + HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    }

    /**
     * Reads {@link #value()}.
     *
     * @throws IllegalArgumentException if {@code value} is not in that form
     */
    static StateHash parse(String value) {
        int colon = value.indexOf(':');
        if (colon < 1 || value.length() - colon - 1 != 32) {
            throw new IllegalArgumentException("state checksum must be rows:32 hex digits, but was '" + value + "'");
        }
        return new StateHash(HexFormat.fromHexDigitsToLong(value, colon + 1, colon + 17),
                HexFormat.fromHexDigitsToLong(value, colon + 17, colon + 33),
                Long.parseLong(value, 0, colon, 10));
    }

    /**
     * One row, as the checksum sees it: its table and its column values in column order. Nulls and empty strings
     * differ, and field boundaries are length-prefixed, so no two different rows encode alike.
     *
     * @param table  the table's name
     * @param values the column values (String, Long or null)
     */
    record Row(String table, Object... values) {

        long[] hash() {
            MessageDigest digest = sha256();
            update(digest, table);
            for (Object value : values) {
                if (value == null) {
                    digest.update((byte) 0);
                } else if (value instanceof Long number) {
                    digest.update((byte) 1);
                    digest.update(ByteBuffer.allocate(Long.BYTES).putLong(number).array());
                } else if (value instanceof String text) {
                    digest.update((byte) 2);
                    update(digest, text);
                } else {
                    throw new IllegalArgumentException("a row value must be a String, a Long or null, but was "
                            + value.getClass().getName());
                }
            }
            ByteBuffer sum = ByteBuffer.wrap(digest.digest());
            return new long[] {sum.getLong(), sum.getLong()};
        }

        private static void update(MessageDigest digest, String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            digest.update(bytes);
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
        }
    }
}
