package org.distributedtesting.recovery.core.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.distributedtesting.recovery.JournalRecord;

/**
 * Turns journal records into the seed's JSON shape and back: one compact line per record for the journal, a
 * pretty array for the recovery log.
 *
 * <p>Stateless and thread-safe (Jackson's mapper and writers are thread-safe once configured).
 */
final class JournalCodec {

    private static final String TIMESTAMP = "timestamp";
    private static final String ACTION = "action";
    private static final String DETAILS = "details";
    private static final Set<String> FIELDS = Set.of(TIMESTAMP, ACTION, DETAILS);

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() { };

    // ints read back as Long whatever their size; a torn or doubled key must not pass as a record
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    // the seed's layout (two-space indent, "key": value, [] and {} when empty), with \n on every platform
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withObjectIndenter(new DefaultIndenter("  ", "\n")));

    private JournalCodec() {
    }

    /**
     * A record ready to be written: the bytes of its line, newline included, and the record as it reads back
     * from those bytes.
     */
    record Encoded(byte[] line, JournalRecord canonical) {
    }

    /** A line that is not a journal record; the message says why. */
    static final class MalformedLineException extends Exception {

        private static final long serialVersionUID = 1L;

        MalformedLineException(String message) {
            super(message);
        }
    }

    /**
     * Encodes a record as one line and decodes it again, so that what the journal keeps in memory is exactly
     * what a reader of the file will get.
     *
     * @throws IllegalArgumentException if two detail keys become the same text
     */
    static Encoded encode(JournalRecord record) {
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(toJsonObject(record));
        } catch (JsonProcessingException e) {
            // only strings, numbers, booleans, lists and maps reach Jackson, so this is a bug here, not bad input
            throw new IllegalStateException("could not encode journal record '" + record.action() + "'", e);
        }
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        try {
            return new Encoded(line, decode(json));
        } catch (MalformedLineException e) {
            throw new IllegalStateException("journal record '" + record.action() + "' does not read back: "
                    + e.getMessage(), e);
        }
    }

    /** Decodes one line (without its newline) written by {@link #encode}. */
    static JournalRecord decode(byte[] line) throws MalformedLineException {
        Map<String, Object> fields;
        try {
            fields = MAPPER.readValue(line, OBJECT);
        } catch (JsonProcessingException e) {
            throw new MalformedLineException("not a JSON object: " + e.getOriginalMessage());
        } catch (IOException e) {
            // reading a byte array does no I/O; Jackson only declares it
            throw new UncheckedIOException(e);
        }
        if (fields == null) {
            throw new MalformedLineException("not a JSON object: null");
        }
        if (!fields.keySet().equals(FIELDS)) {
            throw new MalformedLineException("expected the fields " + List.of(TIMESTAMP, ACTION, DETAILS)
                    + ", but found " + fields.keySet());
        }
        if (!(fields.get(TIMESTAMP) instanceof String timestamp)) {
            throw new MalformedLineException("timestamp must be a string, but was " + fields.get(TIMESTAMP));
        }
        if (!(fields.get(ACTION) instanceof String action)) {
            throw new MalformedLineException("action must be a string, but was " + fields.get(ACTION));
        }
        if (!(fields.get(DETAILS) instanceof Map<?, ?> details)) {
            throw new MalformedLineException("details must be an object, but was " + fields.get(DETAILS));
        }
        Instant instant;
        try {
            instant = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            throw new MalformedLineException("timestamp must be ISO-8601 UTC, but was " + timestamp);
        }
        @SuppressWarnings("unchecked") // Jackson reads object keys as strings
        Map<String, Object> detailMap = (Map<String, Object>) details;
        return new JournalRecord(instant, action, detailMap);
    }

    /** The recovery log: every record in one pretty JSON array, with a final newline. */
    static byte[] prettyArray(List<JournalRecord> records) {
        List<Map<String, Object>> array = new ArrayList<>(records.size());
        for (JournalRecord record : records) {
            array.add(toJsonObject(record));
        }
        try {
            String json = PRETTY.writeValueAsString(array);
            return (json + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not encode the recovery log", e);
        }
    }

    private static Map<String, Object> toJsonObject(JournalRecord record) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put(TIMESTAMP, record.timestamp().toString());
        object.put(ACTION, record.action());
        object.put(DETAILS, toJsonMap(record.details()));
        return object;
    }

    /**
     * A value JSON can hold: strings, booleans, the JDK's number types and null as they are; an Optional as its
     * value or null; collections and arrays as lists; maps as objects keyed by the keys' text, in their
     * iteration order; anything else (Instant, Duration, NodeId, enums, paths, records, other numbers) as its
     * {@code toString()}.
     *
     * @throws IllegalArgumentException if two keys of one map have the same text
     */
    static Object toJsonValue(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || isJdkNumber(value)) {
            return value;
        }
        if (value instanceof Optional<?> optional) {
            return optional.isPresent() ? toJsonValue(optional.get()) : null;
        }
        if (value instanceof OptionalInt optional) {
            return optional.isPresent() ? optional.getAsInt() : null;
        }
        if (value instanceof OptionalLong optional) {
            return optional.isPresent() ? optional.getAsLong() : null;
        }
        if (value instanceof OptionalDouble optional) {
            return optional.isPresent() ? optional.getAsDouble() : null;
        }
        if (value instanceof Map<?, ?> map) {
            return toJsonMap(map);
        }
        if (value instanceof Collection<?> collection) {
            List<Object> list = new ArrayList<>(collection.size());
            for (Object element : collection) {
                list.add(toJsonValue(element));
            }
            return list;
        }
        if (value.getClass().isArray()) {
            int length = Array.getLength(value);
            List<Object> list = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                list.add(toJsonValue(Array.get(value, i)));
            }
            return list;
        }
        return value.toString();
    }

    private static Map<String, Object> toJsonMap(Map<?, ?> map) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (object.containsKey(key)) {
                throw new IllegalArgumentException("details key '" + key
                        + "' appears twice once the keys are turned into text; use distinct keys");
            }
            object.put(key, toJsonValue(entry.getValue()));
        }
        return object;
    }

    // other Number types (AtomicLong, LongAdder, custom ones) have no JSON form Jackson guarantees: toString
    private static boolean isJdkNumber(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof Double
                || value instanceof Float || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger || value instanceof BigDecimal;
    }
}
