package dev.squeeze.cachegen;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.cachegen.store.DirectoryKvStore;
import dev.squeeze.cachegen.store.KvStore;
import dev.squeeze.cachegen.store.RedisKvStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile KV stores (issue #16, class 6): a fake Redis server whose replies claim huge values, a directory holding
 * an oversized value, a store throwing an unchecked exception. Values are capped before anything is allocated for
 * them, and every store failure is a miss that {@link KvPrefixCache} reports and recomputes past.
 */
class StoreHostileInputTest {
    static final ModelFingerprint FP = TestCaches.fingerprint(2, 2, 4, 7);

    /** A RESP server on loopback: answers CLIENT/HELLO/PING with +OK and every other command with {@code reply}. */
    static final class FakeRedis implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0);
        final List<Socket> clients = new ArrayList<>();
        final Thread thread;

        FakeRedis(Function<String, byte[]> reply) throws IOException {
            thread = new Thread(
                    () -> {
                        while (!server.isClosed()) {
                            try {
                                Socket s = server.accept();
                                synchronized (clients) {
                                    clients.add(s);
                                }
                                Thread t = new Thread(() -> serve(s, reply), "fake-redis-client");
                                t.setDaemon(true);
                                t.start();
                            } catch (IOException closed) {
                                return;
                            }
                        }
                    },
                    "fake-redis");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private static void serve(Socket s, Function<String, byte[]> reply) {
            try (s;
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream()) {
                while (true) {
                    List<String> cmd = readCommand(in);
                    if (cmd == null) return;
                    String name = cmd.getFirst().toUpperCase(java.util.Locale.ROOT);
                    out.write(
                            name.equals("CLIENT")
                                            || name.equals("HELLO")
                                            || name.equals("PING")
                                            || name.equals("SELECT")
                                    ? "+OK\r\n".getBytes(StandardCharsets.US_ASCII)
                                    : reply.apply(name));
                    out.flush();
                }
            } catch (IOException gone) {
                // the client hung up
            }
        }

        /** One RESP array of bulk strings, or null at the end of the stream. */
        private static List<String> readCommand(InputStream in) throws IOException {
            String head = line(in);
            if (head == null) return null;
            int n = Integer.parseInt(head.substring(1));
            List<String> args = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int len = Integer.parseInt(line(in).substring(1));
                args.add(new String(in.readNBytes(len), StandardCharsets.UTF_8));
                in.readNBytes(2);
            }
            return args;
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') if (c != '\r') b.write(c);
            return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (clients) {
                for (Socket s : clients) s.close();
            }
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aReplyClaimingA2GiBValueIsRefusedBeforeAllocatingAndLoadsNothing() throws Exception {
        try (FakeRedis fake = new FakeRedis(cmd -> ascii("$2147483648\r\n"));
                RedisKvStore store = new RedisKvStore("127.0.0.1", fake.port(), 2000)) {
            IOException e = assertThrows(IOException.class, () -> store.get("c-00"));
            assertTrue(
                    e.getMessage().contains("redis 127.0.0.1:" + fake.port())
                            && e.getMessage().contains("2147483648")
                            && e.getMessage().contains("cap"),
                    e.getMessage());
            KvPrefixCache.Loaded l = new KvPrefixCache(
                            store, CacheGenEncoder.builder().build())
                    .loadPrefix(FP, TestCaches.random(2, 2, 4, 300, 1).tokens(), 300);
            assertEquals(0, l.snapshot().tokenCount());
            assertNotNull(l.fallback());
            assertTrue(l.fallback().contains("2147483648"), l.fallback());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aReplyOverTheConfiguredCapIsRefusedAtItsLengthAndHugeSimpleLinesToo() throws Exception {
        // 64 MiB claimed, 1 MiB allowed: refused when the length arrives, not after a 64 MiB buffer waits for bytes
        try (FakeRedis fake = new FakeRedis(cmd -> ascii("$67108864\r\n"));
                RedisKvStore store = new RedisKvStore("127.0.0.1", fake.port(), 20_000, 1 << 20)) {
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> store.get("c-01"));
            assertTrue(e.getMessage().contains("67108864") && e.getMessage().contains("1048576"), e.getMessage());
            assertTrue(
                    System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15),
                    "refused at the length, not at the 20 s timeout");
        }
        byte[] longLine = new byte[(1 << 17) + 3];
        java.util.Arrays.fill(longLine, (byte) 'x');
        longLine[0] = '-';
        try (FakeRedis fake = new FakeRedis(cmd -> longLine); // an error line with no end in sight
                RedisKvStore store = new RedisKvStore("127.0.0.1", fake.port(), 20_000, 1 << 20)) {
            IOException e = assertThrows(IOException.class, () -> store.get("c-02"));
            assertTrue(e.getMessage().contains("line"), e.getMessage());
        }
    }

    @Test
    void aValueOverTheCapIsNotStored() throws Exception {
        try (FakeRedis fake = new FakeRedis(cmd -> ascii("+OK\r\n"));
                RedisKvStore store = new RedisKvStore("127.0.0.1", fake.port(), 2000, 1000)) {
            IOException e = assertThrows(IOException.class, () -> store.put("c-03", new byte[1001]));
            assertTrue(e.getMessage().contains("1001") && e.getMessage().contains("1000"), e.getMessage());
        }
    }

    @Test
    void anOversizedFileInADirectoryStoreIsRefusedWithoutReadingIt(@TempDir Path dir) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("c-04").toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: 3 GiB claimed, nothing on disk
        }
        try (DirectoryKvStore store = new DirectoryKvStore(dir)) {
            IOException e = assertThrows(IOException.class, () -> store.get("c-04"));
            assertTrue(
                    e.getMessage().contains("c-04") && e.getMessage().contains(Long.toString(3L << 30)),
                    e.getMessage());
        }
        Files.delete(dir.resolve("c-04"));
    }

    @Test
    void aStoreThrowingAnUncheckedExceptionIsAMissWithItsReason() throws Exception {
        KvStore broken = new KvStore() {
            @Override
            public void put(String key, byte[] value) {}

            @Override
            public Optional<byte[]> get(String key) {
                throw new IllegalStateException("pool exhausted");
            }

            @Override
            public String describe() {
                return "broken store";
            }

            @Override
            public void close() {}
        };
        KvPrefixCache.Loaded l = new KvPrefixCache(
                        broken, CacheGenEncoder.builder().build())
                .loadPrefix(FP, TestCaches.random(2, 2, 4, 300, 2).tokens(), 300);
        assertEquals(0, l.snapshot().tokenCount());
        assertTrue(l.fallback() != null && l.fallback().contains("pool exhausted"), String.valueOf(l.fallback()));
    }
}
