package org.distributedtesting.recovery.core.sim;

/** FNV-1a 64-bit, for entry checksums and the state machine's running checksum. */
final class Hashing {

    static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Hashing() {
    }

    static long mix(long h, long value) {
        for (int i = 0; i < 8; i++) {
            h ^= (value >>> (i * 8)) & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }

    static long mix(long h, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            h ^= c & 0xff;
            h *= FNV_PRIME;
            h ^= c >>> 8;
            h *= FNV_PRIME;
        }
        return h;
    }

    /** Sixteen lower-case hex digits, zero-padded (what {@code %016x} prints, without a formatter per call). */
    static String hex(long h) {
        String digits = Long.toHexString(h);
        return digits.length() == 16 ? digits : "0".repeat(16 - digits.length()) + digits;
    }
}
