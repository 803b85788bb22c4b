package dev.squeeze.cachegen.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where encoded KV chunks live between processes: a flat map from keys (lowercase hex and '-', as made by
 * {@link ChunkKeys}) to byte values. Chunks are separate values, so loading a prefix reads only its chunks.
 * A backend that cannot be reached throws an {@link IOException} naming itself; it never returns a value
 * it is not sure of.
 */
public interface KvStore extends AutoCloseable {
    /** Largest value a store keeps or reads unless told otherwise: 512 MiB, Redis's own default bulk-string limit. */
    long DEFAULT_MAX_VALUE_BYTES = 512L << 20;

    void put(String key, byte[] value) throws IOException;

    Optional<byte[]> get(String key) throws IOException;

    /** The values of {@code keys} in order, stopping before the first missing one (a prefix of the list). */
    default List<byte[]> getPrefix(List<String> keys) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String k : keys) {
            Optional<byte[]> v = get(k);
            if (v.isEmpty()) break;
            out.add(v.get());
        }
        return out;
    }

    /** Where the store is, for messages ("dir /tmp/kv", "redis 127.0.0.1:6379"). */
    String describe();

    @Override
    void close() throws IOException;

    /** Checks a value cap: 1 .. the largest Java array. */
    static long checkMaxValueBytes(long max) {
        if (max < 1 || max > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "max value bytes must be in [1, " + (Integer.MAX_VALUE - 8) + "], got " + max);
        }
        return max;
    }

    /** Fails with an IOException naming the store and key when a value is over the cap. */
    static void checkValueSize(KvStore store, String key, long bytes, long max) throws IOException {
        if (bytes > max) {
            throw new IOException(store.describe() + ": value " + key + " has " + bytes + " bytes, over the cap of "
                    + max + " bytes per value");
        }
    }

    /** Checks a key: 1..128 characters of [0-9a-z-]. */
    static String checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > 128 || !key.matches("[0-9a-z-]+")) {
            throw new IllegalArgumentException("store key must be 1..128 characters of [0-9a-z-], got '" + key + "'");
        }
        return key;
    }
}
