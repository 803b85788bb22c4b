package dev.squeeze.cachegen;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.cachegen.store.KvStore;
import dev.squeeze.cachegen.store.RedisKvStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Against a real redis-server on loopback: the one scripts/test-services.sh started (SQUEEZE_REDIS_PORT), and
 * private servers started here from the binary (SQUEEZE_REDIS_SERVER or redis-server on the PATH) to kill and
 * restart mid-load. Skips with a message when there is no Redis.
 */
class RedisKvStoreTest {
    static final ModelFingerprint FP = TestCaches.fingerprint(2, 2, 4, 7);

    static Optional<Path> binary() {
        String env = System.getenv("SQUEEZE_REDIS_SERVER");
        if (env != null && Files.isExecutable(Path.of(env))) return Optional.of(Path.of(env));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "redis-server");
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** A redis-server of this test: loopback, a free port, no persistence. */
    static final class PrivateRedis implements AutoCloseable {
        final int port;
        Process process;

        PrivateRedis() throws Exception {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            start();
        }

        void start() throws Exception {
            Path bin = binary().orElseThrow();
            process = new ProcessBuilder(
                            bin.toString(),
                            "--bind",
                            "127.0.0.1",
                            "--port",
                            Integer.toString(port),
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--dir",
                            System.getProperty("java.io.tmpdir"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            throw new IllegalStateException("redis-server did not start on port " + port);
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

    static int sharedPort() {
        String p = System.getenv("SQUEEZE_REDIS_PORT");
        Assumptions.assumeTrue(
                p != null && !p.isBlank(),
                "SQUEEZE_REDIS_PORT is not set: source scripts/test-services.sh to start redis-server (Redis tests skip)");
        return Integer.parseInt(p.strip());
    }

    static void assumeBinary() {
        Assumptions.assumeTrue(
                binary().isPresent(), "no redis-server binary (apt-get install redis-server): Redis fault tests skip");
    }

    static KvSnapshot reference(KvSnapshot s) throws IOException {
        return CacheGenReader.of(CacheGenEncoder.builder().build().encode(s, FP).toByteArray(), "ref")
                .decode(FP);
    }

    @Test
    void saveAndLoadRoundTripAndPartialPrefix() throws Exception {
        int port = sharedPort();
        KvSnapshot s = TestCaches.random(2, 2, 4, 600, (long) (Math.random() * 1e9)); // fresh tokens: no stale keys
        try (RedisKvStore store = new RedisKvStore("127.0.0.1", port, 2000)) {
            KvPrefixCache pc =
                    new KvPrefixCache(store, CacheGenEncoder.builder().build());
            long written = pc.save(FP, s);
            KvPrefixCache.Loaded all = pc.loadPrefix(FP, s.tokens(), 600);
            assertNull(all.fallback());
            assertEquals(600, all.snapshot().tokenCount());
            KvSnapshot ref = reference(s);
            assertArrayEquals(ref.keys()[1], all.snapshot().keys()[1]);
            assertArrayEquals(ref.values()[0], all.snapshot().values()[0]);
            assertEquals(written, all.bytesRead() + store.get(tablesKey(s)).orElseThrow().length);
            // a prompt that diverges at token 300 loads only the first chunk (256 tokens), reading fewer bytes
            int[] diverged = s.tokens().clone();
            diverged[300] = (diverged[300] + 1) % 512;
            KvPrefixCache.Loaded part = pc.loadPrefix(FP, diverged, 600);
            assertEquals(256, part.snapshot().tokenCount());
            assertTrue(part.bytesRead() < all.bytesRead() / 2, part.bytesRead() + " vs " + all.bytesRead());
            assertArrayEquals(
                    Arrays.copyOf(ref.keys()[0], 256 * 8), part.snapshot().keys()[0]);
        }
    }

    static String tablesKey(KvSnapshot s) {
        return dev.squeeze.cachegen.store.ChunkKeys.tables(
                CacheGenEncoder.builder().build().encode(s, FP).tablesHeader());
    }

    /** Kills the server after {@code after} successful reads. */
    static KvStore killingAfter(KvStore inner, int after, Runnable kill) {
        return new KvStore() {
            int reads;

            @Override
            public void put(String key, byte[] value) throws IOException {
                inner.put(key, value);
            }

            @Override
            public Optional<byte[]> get(String key) throws IOException {
                if (reads++ == after) kill.run();
                return inner.get(key);
            }

            @Override
            public String describe() {
                return inner.describe();
            }

            @Override
            public void close() throws IOException {
                inner.close();
            }
        };
    }

    @Test
    void killingTheServerMidLoadFallsBackToRecomputeWithAClearReason() throws Exception {
        assumeBinary();
        KvSnapshot s = TestCaches.random(2, 2, 4, 700, 21);
        try (PrivateRedis redis = new PrivateRedis();
                RedisKvStore store = new RedisKvStore("127.0.0.1", redis.port, 1000)) {
            new KvPrefixCache(store, CacheGenEncoder.builder().build()).save(FP, s);
            // reads: chunk 0, tables, then chunk 1 -> the server dies before chunk 1
            KvStore dying = killingAfter(store, 2, () -> {
                try {
                    redis.kill();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            KvPrefixCache.Loaded l =
                    new KvPrefixCache(dying, CacheGenEncoder.builder().build()).loadPrefix(FP, s.tokens(), 700);
            assertNotNull(l.fallback(), "the failure must be reported");
            assertTrue(l.fallback().contains("redis 127.0.0.1:" + redis.port), l.fallback());
            assertEquals(256, l.snapshot().tokenCount(), "only the verified first chunk is used");
            assertArrayEquals(
                    Arrays.copyOf(reference(s).keys()[1], 256 * 8), l.snapshot().keys()[1]);
            // and with the server gone, saving fails with an IOException naming it
            IOException e = assertThrows(IOException.class, () -> store.put("c-00", new byte[] {1}));
            assertTrue(e.getMessage().contains("redis"), e.getMessage());
        }
    }

    @Test
    void aServerRestartedEmptyMidLoadGivesAPartialButCorrectPrefix() throws Exception {
        assumeBinary();
        KvSnapshot s = TestCaches.random(2, 2, 4, 700, 22);
        try (PrivateRedis redis = new PrivateRedis();
                RedisKvStore store = new RedisKvStore("127.0.0.1", redis.port, 1000)) {
            new KvPrefixCache(store, CacheGenEncoder.builder().build()).save(FP, s);
            KvStore restarting = killingAfter(store, 2, () -> {
                try {
                    redis.kill();
                    redis.start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            KvPrefixCache.Loaded l =
                    new KvPrefixCache(restarting, CacheGenEncoder.builder().build()).loadPrefix(FP, s.tokens(), 700);
            // the restarted server lost everything (no persistence): either the stale connection fails (reported)
            // or the next chunk is a miss; in both cases exactly the first, verified chunk is used
            assertEquals(256, l.snapshot().tokenCount());
            assertArrayEquals(
                    Arrays.copyOf(reference(s).values()[0], 256 * 8),
                    l.snapshot().values()[0]);
        }
    }

    @Test
    void aServerThatIsDownIsAClearErrorOrAnEmptyPrefix() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RedisKvStore store = new RedisKvStore("127.0.0.1", port, 500)) {
            KvSnapshot s = TestCaches.random(2, 2, 4, 10, 1);
            KvPrefixCache pc =
                    new KvPrefixCache(store, CacheGenEncoder.builder().build());
            IOException e = assertThrows(IOException.class, () -> pc.save(FP, s));
            assertTrue(e.getMessage().contains("redis 127.0.0.1:" + port), e.getMessage());
            KvPrefixCache.Loaded l = pc.loadPrefix(FP, s.tokens(), 10);
            assertEquals(0, l.snapshot().tokenCount());
            assertNotNull(l.fallback());
        }
        assertNotNull(List.of());
    }
}
