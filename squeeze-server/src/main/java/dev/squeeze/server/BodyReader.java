package dev.squeeze.server;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;

/**
 * Reads a request body without holding a thread while the client is slow (Jetty's demand/read loop), and
 * stops at the cap: more than {@code maxBytes} fails with a 413 as soon as the cap is crossed, without reading
 * the rest. An idle client is cut off by the connector's idle timeout, which fails the read.
 */
final class BodyReader implements Runnable {
    private final Request request;
    private final int maxBytes;
    private final BiConsumer<byte[], Throwable> done;
    private final ByteArrayOutputStream buffer;

    private BodyReader(Request request, int maxBytes, BiConsumer<byte[], Throwable> done) {
        this.request = request;
        this.maxBytes = maxBytes;
        this.done = done;
        long len = request.getLength();
        this.buffer = new ByteArrayOutputStream(len > 0 && len <= maxBytes ? (int) len : 1024);
    }

    static void read(Request request, int maxBytes, BiConsumer<byte[], Throwable> done) {
        new BodyReader(request, maxBytes, done).run();
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable f = chunk.getFailure();
                chunk.release();
                done.accept(null, f);
                return;
            }
            ByteBuffer b = chunk.getByteBuffer();
            int n = b.remaining();
            if (buffer.size() + (long) n > maxBytes) {
                chunk.release();
                done.accept(null, tooLarge(maxBytes));
                return;
            }
            if (n > 0) {
                byte[] tmp = new byte[n];
                b.get(tmp);
                buffer.write(tmp, 0, n);
            }
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                done.accept(buffer.toByteArray(), null);
                return;
            }
        }
    }

    static ApiException tooLarge(int maxBytes) {
        return new ApiException(413, "body_too_large", "request body exceeds " + maxBytes + " bytes (--max-body-bytes)");
    }
}
