package dev.squeeze.cachegen.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Redis (any server speaking RESP, e.g. Debian's redis-server) through Jedis: each key is stored as
 * {@code squeeze:kv:<key>} holding the raw value, so chunks are separate values and a prefix load fetches only
 * its chunks. Connection failures (server down, restarted mid-load, timeouts) surface as {@link IOException}s
 * naming the server. Values are capped ({@link KvStore#DEFAULT_MAX_VALUE_BYTES} unless told otherwise): a reply
 * claiming more is refused as soon as its length arrives ({@link RespReplyGuard}), before anything is allocated.
 */
public final class RedisKvStore implements KvStore {
    public static final String PREFIX = "squeeze:kv:";
    private final String host;
    private final int port;
    private final long maxValueBytes;
    private final JedisPooled jedis;

    public RedisKvStore(String host, int port, int timeoutMillis) {
        this(host, port, timeoutMillis, DEFAULT_MAX_VALUE_BYTES);
    }

    /** @param maxValueBytes largest value stored or read; a reply claiming more is a failed read */
    public RedisKvStore(String host, int port, int timeoutMillis, long maxValueBytes) {
        if (port <= 0 || port > 65535)
            throw new IllegalArgumentException("Redis port must be in [1, 65535], got " + port);
        if (timeoutMillis <= 0) throw new IllegalArgumentException("timeout must be > 0 ms, got " + timeoutMillis);
        this.host = host;
        this.port = port;
        this.maxValueBytes = KvStore.checkMaxValueBytes(maxValueBytes);
        JedisClientConfig config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .build();
        this.jedis = new JedisPooled(
                new ConnectionPoolConfig(),
                new GuardedSocketFactory(new HostAndPort(host, port), config, maxValueBytes, describe()),
                config);
    }

    private static byte[] k(String key) {
        return (PREFIX + KvStore.checkKey(key)).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void put(String key, byte[] value) throws IOException {
        KvStore.checkValueSize(this, key, value.length, maxValueBytes);
        try {
            jedis.set(k(key), value);
        } catch (JedisException e) {
            throw new IOException(describe() + ": cannot store " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) throws IOException {
        try {
            return Optional.ofNullable(jedis.get(k(key)));
        } catch (JedisException e) {
            Throwable cause =
                    e.getCause() instanceof IOException io ? io : e; // the guard's reason, not Jedis's wrapper
            throw new IOException(describe() + ": cannot read " + key + ": " + cause.getMessage(), e);
        } catch (RuntimeException e) { // a reply Jedis could not make sense of
            throw new IOException(describe() + ": cannot read " + key + ": " + e, e);
        }
    }

    @Override
    public String describe() {
        return "redis " + host + ":" + port;
    }

    @Override
    public void close() {
        jedis.close();
    }
}
