package dev.squeeze.encoder.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes float tensors as an F32 (or F16) safetensors file, header padded with spaces to 8 bytes (as the reference). */
public final class SafetensorsWriter {
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, float[]> data = new LinkedHashMap<>();

    public SafetensorsWriter put(String name, float[] values, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        if (n != values.length)
            throw new IllegalArgumentException(
                    name + ": " + values.length + " values for shape " + java.util.Arrays.toString(shape));
        shapes.put(name, shape.clone());
        data.put(name, values);
        return this;
    }

    public void write(Path file, boolean f16) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode header = om.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long off = 0;
        int per = f16 ? 2 : 4;
        for (Map.Entry<String, float[]> e : data.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", f16 ? "F16" : "F32");
            var s = t.putArray("shape");
            for (long d : shapes.get(e.getKey())) s.add(d);
            long bytes = (long) e.getValue().length * per;
            t.putArray("data_offsets").add(off).add(off + bytes);
            off += bytes;
        }
        byte[] h = om.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer len =
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(h);
            for (int i = h.length; i < padded; i++) out.write(' ');
            for (float[] v : data.values()) {
                ByteBuffer b = ByteBuffer.allocate(v.length * per).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : v) {
                    if (f16) b.putShort(Float16.fromFloat(x));
                    else b.putFloat(x);
                }
                out.write(b.array());
            }
        }
    }
}
