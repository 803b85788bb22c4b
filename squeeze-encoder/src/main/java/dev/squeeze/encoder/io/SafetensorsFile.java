package dev.squeeze.encoder.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file read through a FileChannel (no memory mapping, so files over 2 GiB such as XLM-R large's are
 * fine on Java 17): {@code u64 N (LE) | N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]},
 * "__metadata__": {...}} | data}, offsets relative to the data. The whole header is validated against the file
 * before any tensor is read: header length, dtype, non-negative shape whose element count times the dtype size equals
 * the offsets' span, offsets inside the data, no two tensors overlapping. Errors name the file, the tensor, the field
 * and the value. F32, F16 and BF16 tensors convert to float.
 */
public final class SafetensorsFile implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    /** Element types of the format; only the float ones convert. */
    public enum DType {
        F64(8),
        F32(4),
        F16(2),
        BF16(2),
        I64(8),
        I32(4),
        I16(2),
        I8(1),
        U8(1),
        BOOL(1);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }
    }

    /** One tensor: its absolute byte offset in the file and its size. */
    public record Tensor(String name, DType dtype, long[] shape, long offset, long bytes) {
        public long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        public String shapeString() {
            return Arrays.toString(shape);
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final Map<String, Tensor> tensors;

    private SafetensorsFile(Path path, FileChannel channel, Map<String, Tensor> tensors) {
        this.path = path;
        this.channel = channel;
        this.tensors = tensors;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(path + ": file not found");
        }
        try {
            return new SafetensorsFile(path, ch, readHeader(path, ch));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static Map<String, Tensor> readHeader(Path path, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8)
            throw new IOException(path + ": " + size + " bytes, too short for the 8-byte safetensors header length");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0, path);
        long n = lenBuf.getLong(0);
        if (n < 2 || n > size - 8 || n > MAX_HEADER) {
            throw new IOException(
                    path + ": header length " + n + " (bytes 0-7) does not fit in the file (" + size + " bytes)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(ch, hb, 8, path);
        JsonNode header;
        try {
            header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new IOException(path + ": header (offset 8) is not valid JSON: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject())
            throw new IOException(path + ": header (offset 8) is not a JSON object");
        long dataStart = 8 + n;
        long dataSize = size - dataStart;
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.equals("__metadata__")) continue;
            out.put(name, tensor(path, name, e.getValue(), dataStart, dataSize));
        }
        List<Tensor> byOffset = new ArrayList<>(out.values());
        byOffset.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        for (int i = 1; i < byOffset.size(); i++) {
            Tensor prev = byOffset.get(i - 1), cur = byOffset.get(i);
            if (cur.offset() < prev.offset() + prev.bytes()) {
                throw new IOException(path + ": tensors '" + prev.name() + "' and '" + cur.name()
                        + "' overlap (data_offsets "
                        + (prev.offset() - dataStart) + ".." + (prev.offset() - dataStart + prev.bytes()) + " and "
                        + (cur.offset() - dataStart) + "..)");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static Tensor tensor(Path path, String name, JsonNode t, long dataStart, long dataSize) throws IOException {
        String where = path + ": tensor '" + name + "'";
        if (!t.isObject()) throw new IOException(where + ": not an object");
        String dt = t.path("dtype").asText("");
        DType dtype;
        try {
            dtype = DType.valueOf(dt);
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": dtype '" + dt + "' is not a safetensors dtype");
        }
        JsonNode shape = t.get("shape");
        JsonNode offs = t.get("data_offsets");
        if (shape == null || !shape.isArray()) throw new IOException(where + ": shape is missing or not an array");
        if (offs == null || !offs.isArray() || offs.size() != 2)
            throw new IOException(where + ": data_offsets is missing or not [begin, end]");
        long[] dims = new long[shape.size()];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || d.asLong() < 0)
                throw new IOException(
                        where + ": shape " + shape + " has a dimension that is not a non-negative integer");
            dims[i] = d.asLong();
            if (dims[i] > 0 && numel > dataSize / dims[i]) {
                throw new IOException(
                        where + ": shape " + shape + " holds more elements than the " + dataSize + " bytes of data");
            }
            numel *= dims[i];
        }
        if (!offs.get(0).isIntegralNumber() || !offs.get(1).isIntegralNumber())
            throw new IOException(where + ": data_offsets " + offs + " are not integers");
        long begin = offs.get(0).asLong(), end = offs.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw new IOException(where + ": data_offsets [" + begin + ", " + end + "] fall outside the " + dataSize
                    + " bytes of data (file truncated?)");
        }
        long want = numel * dtype.bytes;
        if (end - begin != want) {
            throw new IOException(where + ": data_offsets span " + (end - begin) + " bytes but shape " + shape + " of "
                    + dt + " needs " + want);
        }
        return new Tensor(name, dtype, dims, dataStart + begin, end - begin);
    }

    public Path path() {
        return path;
    }

    /** Every tensor of the file by name, in header order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** The tensor's elements as floats (F32, F16 or BF16). */
    public float[] readFloats(Tensor t) throws IOException {
        if (t.elements() > Integer.MAX_VALUE - 8) {
            throw new IOException(path + ": tensor '" + t.name() + "' " + t.shapeString()
                    + " has more elements than a Java array holds");
        }
        float[] out = new float[(int) t.elements()];
        int per = t.dtype().bytes;
        if (t.dtype() != DType.F32 && t.dtype() != DType.F16 && t.dtype() != DType.BF16) {
            throw new IOException(
                    path + ": tensor '" + t.name() + "' has dtype " + t.dtype() + " (F32, F16, BF16 are supported)");
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        long pos = t.offset(), end = t.offset() + t.bytes();
        int o = 0;
        while (pos < end) {
            int chunk = (int) Math.min(buf.capacity() - buf.capacity() % per, end - pos);
            buf.clear().limit(chunk);
            readFully(channel, buf, pos, path);
            buf.flip();
            int count = chunk / per;
            switch (t.dtype()) {
                case F32:
                    buf.asFloatBuffer().get(out, o, count);
                    break;
                case F16:
                    for (int i = 0; i < count; i++) out[o + i] = Float16.toFloat(buf.getShort(2 * i));
                    break;
                default:
                    for (int i = 0; i < count; i++) out[o + i] = Float16.bf16ToFloat(buf.getShort(2 * i));
                    break;
            }
            o += count;
            pos += chunk;
        }
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path path) throws IOException {
        long at = pos;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, at);
            if (r < 0) throw new IOException(path + ": unexpected end of file at offset " + at);
            at += r;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
