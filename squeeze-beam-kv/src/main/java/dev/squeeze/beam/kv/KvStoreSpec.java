package dev.squeeze.beam.kv;

import dev.squeeze.cachegen.store.DirectoryKvStore;
import dev.squeeze.cachegen.store.KvStore;
import dev.squeeze.cachegen.store.RedisKvStore;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where a worker stores KV chunks, as a string that travels with the pipeline: {@code redis://HOST:PORT} or a
 * directory path (shared by every worker, e.g. a network file system). Parsed when made, so a bad address fails
 * the job's construction; the store itself is opened on the worker ({@link #open()}).
 *
 * @param address       the address as given
 * @param timeoutMillis Redis connect and read timeout
 */
public record KvStoreSpec(String address, int timeoutMillis) implements Serializable {
    public static final int DEFAULT_TIMEOUT_MILLIS = 10_000;

    public KvStoreSpec {
        if (address.isBlank())
            throw new IllegalArgumentException("KV store address is empty: give a directory or redis://HOST:PORT");
        if (timeoutMillis <= 0)
            throw new IllegalArgumentException("KV store timeout must be > 0 ms, got " + timeoutMillis);
        if (isRedis(address)) redis(address);
    }

    public static KvStoreSpec of(String address) {
        return new KvStoreSpec(address, DEFAULT_TIMEOUT_MILLIS);
    }

    public KvStore open() throws IOException {
        if (!isRedis(address)) return new DirectoryKvStore(Path.of(address));
        URI u = redis(address);
        return new RedisKvStore(u.getHost(), u.getPort(), timeoutMillis);
    }

    private static boolean isRedis(String a) {
        return a.startsWith("redis:");
    }

    private static URI redis(String a) {
        URI u;
        try {
            u = URI.create(a);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("KV store '" + a + "' is not redis://HOST:PORT: " + e.getMessage());
        }
        if (u.getHost() == null
                || u.getPort() < 1
                || (u.getPath() != null && !u.getPath().isEmpty())
                || u.getUserInfo() != null) {
            throw new IllegalArgumentException(
                    "KV store '" + a + "' is not redis://HOST:PORT (a host and a port, nothing else)");
        }
        return u;
    }
}
