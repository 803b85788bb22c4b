package dev.squeeze.cachegen.store;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryKvStoreTest {

    @Test
    void putGetReplaceAndPrefixLeaveNoTemporaryFiles(@TempDir Path dir) throws Exception {
        try (DirectoryKvStore s = new DirectoryKvStore(dir.resolve("kv"))) {
            assertTrue(s.get("c-01").isEmpty());
            s.put("c-01", new byte[] {1, 2, 3});
            s.put("c-02", new byte[] {4});
            s.put("c-01", new byte[] {9}); // replaced atomically
            assertArrayEquals(new byte[] {9}, s.get("c-01").orElseThrow());
            List<byte[]> pre = s.getPrefix(List.of("c-01", "c-02", "c-03", "c-01"));
            assertEquals(2, pre.size(), "stops at the first missing key");
            try (var files = Files.list(s.dir())) {
                assertEquals(
                        List.of("c-01", "c-02"),
                        files.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
    }

    @Test
    void keysThatCouldEscapeTheFolderAreRejected(@TempDir Path dir) throws Exception {
        try (DirectoryKvStore s = new DirectoryKvStore(dir)) {
            for (String bad : new String[] {"../x", "a/b", "", "UPPER", "x".repeat(129)}) {
                assertThrows(IllegalArgumentException.class, () -> s.put(bad, new byte[1]), bad);
                assertThrows(IllegalArgumentException.class, () -> s.get(bad), bad);
            }
        }
    }
}
