package dev.squeeze.cachegen;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * An encoded cache: the file header (with the chunk index), a tables-only header (the same format with no
 * chunks, what a chunked store keeps once), and the chunk payloads.
 * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
 * maker nor its readers modify them.
 */
public record EncodedStream(
        byte[] header, byte[] tablesHeader, List<byte[]> chunks, List<ChunkEntry> entries, long fp16Bytes, int tokens) {

    public long bytes() {
        long b = header.length;
        for (byte[] c : chunks) b += c.length;
        return b;
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(header);
        for (byte[] c : chunks) out.write(c);
    }

    public byte[] toByteArray() {
        byte[] all = new byte[Math.toIntExact(bytes())];
        System.arraycopy(header, 0, all, 0, header.length);
        int at = header.length;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
        }
        return all;
    }
}
