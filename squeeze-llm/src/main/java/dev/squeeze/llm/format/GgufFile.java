package dev.squeeze.llm.format;

import dev.squeeze.llm.quant.GgmlType;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed GGUF (version 2 or 3) header: little-endian magic "GGUF", u32 version, u64 tensor count, u64
 * metadata count; metadata as (string key, u32 type, value); tensor infos as (string name, u32 n_dims,
 * u64 dims[n_dims] with dims[0] the fastest, u32 ggml type, u64 offset relative to the data section); the
 * data section starts at the next multiple of {@code general.alignment} (default 32). Strings are a u64
 * length and UTF-8 bytes. Every length and count is checked against the bytes left before allocating.
 *
 * <p>Metadata values become Long (integers), Double (floats), Boolean, String, or for arrays String[],
 * float[], long[], double[], boolean[] or Object[] (nested).
 */
public final class GgufFile {
    public static final int MAGIC = 0x46554747; // "GGUF" little-endian

    /**
     * One tensor: dims as stored (dims[0] fastest); {@code offset} is absolute in the file.
     *
     * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
     * maker nor its readers modify them.
     */
    public record TensorInfo(String name, long[] dims, GgmlType type, long offset, long byteSize) {
        public long elements() {
            long n = 1;
            for (long d : dims) n = Math.multiplyExact(n, d);
            return n;
        }
    }

    private final MappedFile file;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, TensorInfo> tensors;
    private final int alignment;
    private final long dataStart;

    private GgufFile(
            MappedFile file,
            int version,
            Map<String, Object> metadata,
            Map<String, TensorInfo> tensors,
            int alignment,
            long dataStart) {
        this.file = file;
        this.version = version;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
        this.alignment = alignment;
        this.dataStart = dataStart;
    }

    public MappedFile file() {
        return file;
    }

    public int version() {
        return version;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public int alignment() {
        return alignment;
    }

    public long dataStart() {
        return dataStart;
    }

    public static GgufFile parse(MappedFile f) throws IOException {
        Reader r = new Reader(f);
        int magic = f.i32(0, "GGUF magic");
        if (magic != MAGIC) throw f.error(0, String.format("not a GGUF file (magic 0x%08X, expected \"GGUF\")", magic));
        int version = f.i32(4, "GGUF version");
        if (version != 2 && version != 3)
            throw f.error(4, "unsupported GGUF version " + version + " (2 and 3 are supported)");
        long tensorCount = f.i64(8, "tensor count");
        long kvCount = f.i64(16, "metadata count");
        r.pos = 24;
        // a metadata entry takes at least 8 + 4 + 1 bytes, a tensor info at least 8 + 4 + 8 + 4 + 8
        if (kvCount < 0 || kvCount > (f.size() - 24) / 13)
            throw f.error(16, "metadata count " + kvCount + " cannot fit in the file");
        if (tensorCount < 0 || tensorCount > (f.size() - 24) / 32)
            throw f.error(8, "tensor count " + tensorCount + " cannot fit in the file");
        Map<String, Object> meta = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long at = r.pos;
            String key = r.string("metadata key " + i);
            int type = r.u32("type of metadata '" + key + "'");
            Object value = r.value(type, "metadata '" + key + "'", 0);
            if (meta.put(key, value) != null) throw f.error(at, "metadata key '" + key + "' appears twice");
        }
        int alignment = 32;
        Object a = meta.get("general.alignment");
        if (a != null) {
            if (!(a instanceof Long al) || al <= 0 || al > 1 << 20 || Long.bitCount(al) != 1) {
                throw new IOException(f.path() + ": general.alignment = " + a + " is not a power of two in [1, 2^20]");
            }
            alignment = (int) (long) al;
        }
        Map<String, long[]> dims = new LinkedHashMap<>();
        Map<String, Integer> types = new LinkedHashMap<>();
        Map<String, Long> offsets = new LinkedHashMap<>();
        Map<String, Long> infoAt = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            long at = r.pos;
            String name = r.string("name of tensor " + i);
            int nd = r.u32("n_dims of tensor '" + name + "'");
            if (nd < 1 || nd > 4)
                throw f.error(r.pos - 4, "tensor '" + name + "' has " + nd + " dimensions (1 to 4 allowed)");
            long[] d = new long[nd];
            for (int j = 0; j < nd; j++) {
                long dj = r.u64("dim " + j + " of tensor '" + name + "'");
                if (dj <= 0 || dj > f.size() * 8)
                    throw f.error(r.pos - 8, "tensor '" + name + "' dim " + j + " = " + dj + " is not plausible");
                d[j] = dj;
            }
            int type = r.u32("type of tensor '" + name + "'");
            long off = r.u64("offset of tensor '" + name + "'");
            if (dims.put(name, d) != null) throw f.error(at, "tensor '" + name + "' appears twice");
            types.put(name, type);
            offsets.put(name, off);
            infoAt.put(name, at);
        }
        long dataStart = (r.pos + alignment - 1) / alignment * alignment;
        if (dataStart > f.size())
            throw f.error(r.pos, "the data section would start at " + dataStart + ", past the end of the file");
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (String name : dims.keySet()) {
            long at = infoAt.get(name);
            int id = types.get(name);
            GgmlType t = GgmlType.byId(id);
            if (t == null) throw f.error(at, "tensor '" + name + "' has unknown ggml type id " + id);
            long[] d = dims.get(name);
            long n = 1;
            for (long x : d) {
                if (n > Long.MAX_VALUE / x) throw f.error(at, "tensor '" + name + "' has too many elements");
                n *= x;
            }
            if (d[0] % t.blockSize() != 0) {
                throw f.error(
                        at,
                        "tensor '" + name + "' row length " + d[0] + " is not a multiple of the " + t + " block size "
                                + t.blockSize());
            }
            long bytes = n / t.blockSize() * t.typeSize();
            long rel = offsets.get(name);
            if (rel < 0 || rel % alignment != 0)
                throw f.error(
                        at, "tensor '" + name + "' offset " + rel + " is not a multiple of the alignment " + alignment);
            long abs = dataStart + rel;
            if (abs < dataStart || bytes > f.size() - abs) {
                throw f.error(
                        at,
                        "tensor '" + name + "' (" + bytes + " bytes at data offset " + rel
                                + ") extends past the end of the file (" + f.size() + " bytes)");
            }
            tensors.put(name, new TensorInfo(name, d, t, abs, bytes));
        }
        return new GgufFile(f, version, meta, tensors, alignment, dataStart);
    }

    // ---------------------------------------------------------------- typed metadata access

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public String string(String key) throws IOException {
        Object v = require(key);
        if (!(v instanceof String s))
            throw new IOException(file.path() + ": metadata '" + key + "' is " + describe(v) + ", expected a string");
        return s;
    }

    public long integer(String key) throws IOException {
        Object v = require(key);
        if (!(v instanceof Long l))
            throw new IOException(file.path() + ": metadata '" + key + "' is " + describe(v) + ", expected an integer");
        return l;
    }

    public long integer(String key, long dflt) throws IOException {
        return has(key) ? integer(key) : dflt;
    }

    public double real(String key, double dflt) throws IOException {
        if (!has(key)) return dflt;
        Object v = metadata.get(key);
        if (v instanceof Double d) return d;
        if (v instanceof Long l) return l;
        throw new IOException(file.path() + ": metadata '" + key + "' is " + describe(v) + ", expected a number");
    }

    public Object require(String key) throws IOException {
        Object v = metadata.get(key);
        if (v == null) throw new IOException(file.path() + ": required metadata '" + key + "' is missing");
        return v;
    }

    public TensorInfo tensor(String name) throws IOException {
        TensorInfo t = tensors.get(name);
        if (t == null) throw new IOException(file.path() + ": required tensor '" + name + "' is missing");
        return t;
    }

    private static String describe(Object v) {
        return v == null
                ? "absent"
                : v.getClass().getSimpleName() + " " + (v.getClass().isArray() ? "array" : v);
    }

    private static final class Reader {
        final MappedFile f;
        long pos;

        Reader(MappedFile f) {
            this.f = f;
        }

        int u32(String what) throws IOException {
            int v = f.i32(pos, what);
            pos += 4;
            return v;
        }

        long u64(String what) throws IOException {
            long v = f.i64(pos, what);
            pos += 8;
            return v;
        }

        String string(String what) throws IOException {
            long at = pos;
            long n = u64("length of " + what);
            if (n < 0 || n > f.size() - pos || n > Integer.MAX_VALUE) {
                throw f.error(
                        at, what + " claims " + n + " bytes, more than the " + (f.size() - pos) + " left in the file");
            }
            String s = f.utf8(pos, (int) n, what);
            pos += n;
            return s;
        }

        Object value(int type, String what, int depth) throws IOException {
            long at = pos;
            switch (type) {
                case 0, 1 -> {
                    byte b = f.i8(pos, what);
                    pos += 1;
                    return type == 0 ? (long) (b & 0xFF) : (long) b;
                }
                case 2, 3 -> {
                    short s = f.i16(pos, what);
                    pos += 2;
                    return type == 2 ? (long) (s & 0xFFFF) : (long) s;
                }
                case 4 -> {
                    return u32(what) & 0xFFFFFFFFL;
                }
                case 5 -> {
                    return (long) u32(what);
                }
                case 6 -> {
                    float x = f.f32(pos, what);
                    pos += 4;
                    return (double) x;
                }
                case 7 -> {
                    byte b = f.i8(pos, what);
                    if (b != 0 && b != 1) throw f.error(pos, what + " is a bool with byte value " + b);
                    pos += 1;
                    return b == 1;
                }
                case 8 -> {
                    return string(what);
                }
                case 10, 11 -> {
                    return u64(what);
                }
                case 12 -> {
                    double x = f.f64(pos, what);
                    pos += 8;
                    return x;
                }
                case 9 -> {
                    if (depth > 2) throw f.error(at, what + " nests arrays too deeply");
                    int et = u32("element type of " + what);
                    long n = u64("length of " + what);
                    long minSize = switch (et) {
                        case 0, 1, 7 -> 1;
                        case 2, 3 -> 2;
                        case 4, 5, 6 -> 4;
                        case 8, 10, 11, 12, 9 -> 8;
                        default -> 1;
                    };
                    if (n < 0 || n > (f.size() - pos) / minSize) {
                        throw f.error(
                                at,
                                what + " claims " + n + " elements, more than the " + (f.size() - pos)
                                        + " bytes left can hold");
                    }
                    int len = (int) n;
                    switch (et) {
                        case 8 -> {
                            String[] a = new String[len];
                            for (int i = 0; i < len; i++) a[i] = string(what + "[" + i + "]");
                            return a;
                        }
                        case 6 -> {
                            float[] a = new float[len];
                            for (int i = 0; i < len; i++) {
                                a[i] = f.f32(pos, what);
                                pos += 4;
                            }
                            return a;
                        }
                        case 12 -> {
                            double[] a = new double[len];
                            for (int i = 0; i < len; i++) {
                                a[i] = f.f64(pos, what);
                                pos += 8;
                            }
                            return a;
                        }
                        case 7 -> {
                            boolean[] a = new boolean[len];
                            for (int i = 0; i < len; i++) a[i] = (Boolean) value(7, what, depth + 1);
                            return a;
                        }
                        case 9 -> {
                            Object[] a = new Object[len];
                            for (int i = 0; i < len; i++) a[i] = value(9, what + "[" + i + "]", depth + 1);
                            return a;
                        }
                        case 0, 1, 2, 3, 4, 5, 10, 11 -> {
                            long[] a = new long[len];
                            for (int i = 0; i < len; i++) a[i] = (Long) value(et, what, depth + 1);
                            return a;
                        }
                        default -> throw f.error(at + 4, what + " has unknown element type " + et);
                    }
                }
                default -> throw f.error(at - 4, what + " has unknown value type " + type);
            }
        }
    }

    /** Reads a list-typed metadata value as strings. */
    public String[] strings(String key) throws IOException {
        Object v = require(key);
        if (!(v instanceof String[] a))
            throw new IOException(
                    file.path() + ": metadata '" + key + "' is " + describe(v) + ", expected a string array");
        return a;
    }

    public List<String> keys() {
        return List.copyOf(metadata.keySet());
    }
}
