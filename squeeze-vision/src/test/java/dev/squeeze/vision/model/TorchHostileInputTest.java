package dev.squeeze.vision.model;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile PyTorch checkpoints (issue #16, class 2), all generated here: flipped bytes in a tensor entry (caught by
 * the zip CRC), entries that inflate past their declared size (a 3 GiB zip bomb behind a 100-byte directory
 * entry), storages whose size disagrees with the pickle, deep and self-referencing pickles, and {@code (None,)}.
 * Each fails with an IOException or IllegalArgumentException naming the file and what was wrong; none runs out of
 * memory or overflows the stack.
 */
class TorchHostileInputTest {

    // ------------------------------------------------------------------ a tiny state dict, written by hand

    /** Pickle bytes, protocol 2, built opcode by opcode. */
    static final class Pickle {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Pickle op(int... ops) {
            for (int o : ops) b.write(o);
            return this;
        }

        Pickle global(String module, String name) {
            b.write('c');
            b.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle str(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            b.write('X');
            b.writeBytes(ByteBuffer.allocate(4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(u.length)
                    .array());
            b.writeBytes(u);
            return this;
        }

        Pickle int32(int v) {
            b.write('J');
            b.writeBytes(ByteBuffer.allocate(4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(v)
                    .array());
            return this;
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }

    /** {"w": tensor of shape (2, 3) on storage "0" of {@code numel} floats}. */
    static byte[] stateDict(int numel) {
        return new Pickle()
                .op(0x80, 2)
                .global("collections", "OrderedDict")
                .op(')', 'R', 'q', 0)
                .op('(')
                .str("w")
                .global("torch._utils", "_rebuild_tensor_v2")
                .op('(')
                .op('(')
                .str("storage")
                .global("torch", "FloatStorage")
                .str("0")
                .str("cpu")
                .int32(numel)
                .op('t', 'Q')
                .op('K', 0)
                .op('K', 2, 'K', 3, 0x86)
                .op('K', 3, 'K', 1, 0x86)
                .op(0x89)
                .global("collections", "OrderedDict")
                .op(')', 'R')
                .op('t', 'R')
                .op('u', '.')
                .bytes();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    /** One zip entry as written: name, method (0 stored, 8 deflated), data as stored, and the sizes/CRC it declares. */
    record Entry(String name, int method, byte[] data, long declaredSize, long crc) {
        static Entry stored(String name, byte[] data) {
            CRC32 c = new CRC32();
            c.update(data);
            return new Entry(name, 0, data, data.length, c.getValue());
        }
    }

    /** A zip archive written by hand, so sizes and CRCs can lie. */
    static void writeZip(Path file, Entry... entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteArrayOutputStream central = new ByteArrayOutputStream();
            long offset = 0;
            for (Entry e : entries) {
                byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
                ByteBuffer h = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
                h.putInt(0x04034b50)
                        .putShort((short) 20)
                        .putShort((short) 0)
                        .putShort((short) e.method())
                        .putInt(0)
                        .putInt((int) e.crc())
                        .putInt(e.data().length)
                        .putInt((int) e.declaredSize())
                        .putShort((short) name.length)
                        .putShort((short) 0);
                out.write(h.array());
                out.write(name);
                out.write(e.data());
                ByteBuffer c = ByteBuffer.allocate(46).order(ByteOrder.LITTLE_ENDIAN);
                c.putInt(0x02014b50)
                        .putShort((short) 20)
                        .putShort((short) 20)
                        .putShort((short) 0)
                        .putShort((short) e.method())
                        .putInt(0)
                        .putInt((int) e.crc())
                        .putInt(e.data().length)
                        .putInt((int) e.declaredSize())
                        .putShort((short) name.length)
                        .putShort((short) 0)
                        .putShort((short) 0)
                        .putShort((short) 0)
                        .putShort((short) 0)
                        .putInt(0)
                        .putInt((int) offset);
                central.writeBytes(c.array());
                central.writeBytes(name);
                offset += 30 + name.length + e.data().length;
            }
            out.write(central.toByteArray());
            ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
            end.putInt(0x06054b50)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) entries.length)
                    .putShort((short) entries.length)
                    .putInt(central.size())
                    .putInt((int) offset)
                    .putShort((short) 0);
            out.write(end.array());
        }
    }

    /**
     * A raw deflate stream of {@code 1 + 258 n} zero bytes in one fixed-Huffman block: a literal 0, then n copies of
     * (length 258, distance 1), 13 bits each, so 3 GiB take 20 MB and no time to make.
     */
    static byte[] zeros(long n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) (n * 13 / 8 + 16));
        long[] acc = {0, 0}; // bits, count
        java.util.function.BiConsumer<Integer, Integer> bits = (v, len) -> { // LSB first
            acc[0] |= (long) v << acc[1];
            acc[1] += len;
            while (acc[1] >= 8) {
                out.write((int) (acc[0] & 0xFF));
                acc[0] >>>= 8;
                acc[1] -= 8;
            }
        };
        java.util.function.BiConsumer<Integer, Integer> huff =
                (code, len) -> bits.accept(Integer.reverse(code) >>> (32 - len), len);
        bits.accept(1, 1); // BFINAL
        bits.accept(1, 2); // BTYPE 01: fixed Huffman
        huff.accept(0x30, 8); // literal 0
        for (long i = 0; i < n; i++) {
            huff.accept(0xC5, 8); // length code 285 = 258
            huff.accept(0, 5); // distance code 0 = 1
        }
        huff.accept(0, 7); // end of block (256)
        bits.accept(0, 7); // flush
        return out.toByteArray();
    }

    static Path checkpoint(Path dir, String name, Entry... entries) throws IOException {
        Path f = dir.resolve(name);
        writeZip(f, entries);
        return f;
    }

    static Entry pkl(byte[] p) {
        return Entry.stored("archive/data.pkl", p);
    }

    @Test
    void theHandWrittenCheckpointLoads(@TempDir Path dir) throws IOException {
        Path f = checkpoint(dir, "ok.pt", pkl(stateDict(6)), Entry.stored("archive/data/0", floats(1, 2, 3, 4, 5, 6)));
        Map<String, TorchTensor> t = TorchCheckpoint.read(f);
        assertArrayEquals(new int[] {2, 3}, t.get("w").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.get("w").data());
    }

    @Test
    void aFlippedByteInATensorEntryFailsItsCrc(@TempDir Path dir) throws IOException {
        Entry good = Entry.stored("archive/data/0", floats(1, 2, 3, 4, 5, 6));
        byte[] flipped = good.data().clone();
        flipped[9] ^= 0x10; // 3.0f becomes another float: without the CRC this loads silently
        Path f = checkpoint(dir, "flipped.pt", pkl(stateDict(6)), new Entry(good.name(), 0, flipped, 24, good.crc()));
        Exception e = assertThrows(Exception.class, () -> TorchCheckpoint.read(f));
        assertTrue(e instanceof IOException || e instanceof IllegalArgumentException, e.toString());
        assertTrue(
                e.getMessage().contains("flipped.pt")
                        && e.getMessage().contains("archive/data/0")
                        && e.getMessage().contains("CRC"),
                e.getMessage());
    }

    @Test
    void aThreeGiBZipBombBehindAHundredByteEntryStopsAtTheDeclaredSize(@TempDir Path dir) throws IOException {
        byte[] bomb = zeros((3L << 30) / 258); // inflates to 3 GiB of zeros
        Path f = checkpoint(dir, "bomb.pt", new Entry("archive/data.pkl", 8, bomb, 100, 0));
        Exception e = assertThrows(Exception.class, () -> TorchCheckpoint.read(f));
        assertTrue(e instanceof IOException || e instanceof IllegalArgumentException, e.toString());
        assertTrue(
                e.getMessage().contains("bomb.pt")
                        && e.getMessage().contains("archive/data.pkl")
                        && e.getMessage().contains("100"),
                e.getMessage());
        // the same bomb as a storage whose declared size matches the pickle's numel (24 bytes)
        Path g = checkpoint(dir, "bomb2.pt", pkl(stateDict(6)), new Entry("archive/data/0", 8, bomb, 24, 0));
        Exception e2 = assertThrows(Exception.class, () -> TorchCheckpoint.read(g));
        assertTrue(e2.getMessage().contains("archive/data/0") && e2.getMessage().contains("24"), e2.getMessage());
    }

    @Test
    void aStorageWhoseSizeDisagreesWithThePickleIsRefusedBeforeAllocating(@TempDir Path dir) throws IOException {
        Path f = checkpoint(
                dir,
                "huge-numel.pt",
                pkl(stateDict(Integer.MAX_VALUE)),
                Entry.stored("archive/data/0", floats(1, 2, 3, 4, 5, 6)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchCheckpoint.read(f));
        assertTrue(
                e.getMessage().contains("archive/data/0")
                        && e.getMessage().contains("2147483647")
                        && e.getMessage().contains("24"),
                e.getMessage());
    }

    @Test
    void deepNestingIsRefusedNamingTheOffset() {
        Pickle p = new Pickle().op(0x80, 2, ')');
        for (int i = 0; i < 100_000; i++) p.op(0x85); // TUPLE1: (((((),),),),...)
        byte[] b = p.op('.').bytes();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TorchPickle.readStateDict("deep.pt", b));
        assertTrue(
                e.getMessage().contains("deep.pt")
                        && e.getMessage().contains("nest")
                        && e.getMessage().contains("byte "),
                e.getMessage());
    }

    @Test
    void selfReferencingContainersAreRefusedWithoutOverflowingTheStack() {
        // d = {}; d["a"] = (d,)  and  d = {}; d["a"] = d
        byte[] cycle = new Pickle()
                .op(0x80, 2, '}', 'q', 0)
                .str("a")
                .op('h', 0, 0x85, 's', '.')
                .bytes();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TorchPickle.readStateDict("cycle.pt", cycle));
        assertTrue(e.getMessage().contains("cycle.pt"), e.getMessage());
        byte[] self = new Pickle()
                .op(0x80, 2, '}', 'q', 0)
                .str("a")
                .op('h', 0, 's', '.')
                .bytes();
        IllegalArgumentException s =
                assertThrows(IllegalArgumentException.class, () -> TorchPickle.readStateDict("self.pt", self));
        assertTrue(s.getMessage().contains("self.pt") && s.getMessage().contains("'a'"), s.getMessage());
        // a tuple as a dict key (its hash would walk the tuple): only strings and ints are keys
        byte[] tupleKey = new Pickle()
                .op(0x80, 2, '}', 'q', 0)
                .op('h', 0, 0x85)
                .str("v")
                .op('s', '.')
                .bytes();
        IllegalArgumentException k =
                assertThrows(IllegalArgumentException.class, () -> TorchPickle.readStateDict("key.pt", tupleKey));
        assertTrue(k.getMessage().contains("key"), k.getMessage());
    }

    @Test
    void aTupleOfNoneIsAClearError() {
        byte[] b = new Pickle().op(0x80, 2, 'N', 0x85, '.').bytes();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TorchPickle.readStateDict("none.pt", b));
        assertTrue(e.getMessage().contains("none.pt") && e.getMessage().contains("state dict"), e.getMessage());
    }
}
