package dev.squeeze.llm.format;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only memory-mapped file with bounds-checked little-endian reads whose errors name the file and
 * the offset. Every size read from a header must pass {@link #requireAvailable} before anything is
 * allocated for it, so a corrupt header cannot ask for more memory than the file holds.
 */
public final class MappedFile {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final MemorySegment seg;

    private MappedFile(Path path, MemorySegment seg) {
        this.path = path;
        this.seg = seg;
    }

    /** Maps the whole file read-only into {@code arena} (it stays mapped until the arena closes). */
    public static MappedFile map(Path path, Arena arena) throws IOException {
        if (!Files.isRegularFile(path)) throw new java.io.FileNotFoundException(path + " is not a readable file");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0
                    ? MemorySegment.ofArray(new byte[0])
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new MappedFile(path, seg);
        }
    }

    public Path path() {
        return path;
    }

    public MemorySegment segment() {
        return seg;
    }

    public long size() {
        return seg.byteSize();
    }

    /** Throws unless [offset, offset + n) lies inside the file. */
    public void requireAvailable(long offset, long n, String what) throws IOException {
        if (n < 0 || offset < 0 || offset > size() || n > size() - offset) {
            throw new IOException(path + ": " + what + " needs " + n + " bytes at offset " + offset
                    + " but the file has " + size() + " bytes (truncated or corrupt)");
        }
    }

    public int i32(long off, String what) throws IOException {
        requireAvailable(off, 4, what);
        return seg.get(INT, off);
    }

    public long i64(long off, String what) throws IOException {
        requireAvailable(off, 8, what);
        return seg.get(LONG, off);
    }

    public float f32(long off, String what) throws IOException {
        requireAvailable(off, 4, what);
        return seg.get(FLOAT, off);
    }

    public double f64(long off, String what) throws IOException {
        requireAvailable(off, 8, what);
        return seg.get(DOUBLE, off);
    }

    public short i16(long off, String what) throws IOException {
        requireAvailable(off, 2, what);
        return seg.get(SHORT, off);
    }

    public byte i8(long off, String what) throws IOException {
        requireAvailable(off, 1, what);
        return seg.get(ValueLayout.JAVA_BYTE, off);
    }

    public String utf8(long off, int n, String what) throws IOException {
        requireAvailable(off, n, what);
        byte[] b = new byte[n];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    public float[] floats(long off, int n, String what) throws IOException {
        requireAvailable(off, 4L * n, what);
        float[] out = new float[n];
        MemorySegment.copy(seg, FLOAT, off, out, 0, n);
        return out;
    }

    public IOException error(long off, String message) {
        return new IOException(path + " at offset " + off + ": " + message);
    }
}
