package dev.squeeze.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body without holding a thread while the client is slow (Jetty's demand/read loop), and
 * stops keeping bytes at the cap: past {@code maxBytes} the rest of the body is read and discarded, up to
 * {@link #drainLimit} more bytes, before the 413 goes out. Answering mid-upload would make the client's
 * write fail with a broken pipe before it can read the 413 (what the JDK HttpClient and most clients do);
 * a body larger still is cut off at once. An idle client is cut off by the connector's idle timeout.
 */
final class BodyReader implements Runnable {
    private final Request request;
    private final int maxBytes;
    private final BiConsumer<byte[], Throwable> done;
    private final ByteArrayOutputStream buffer;
    private long discarded = -1; // >= 0 once the cap was crossed: bytes thrown away since

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
            if (discarded < 0 && buffer.size() + (long) n > maxBytes) discarded = 0;
            if (discarded >= 0) {
                discarded += n;
                boolean last = chunk.isLast();
                chunk.release();
                if (last || discarded > drainLimit(maxBytes)) {
                    done.accept(null, tooLarge(maxBytes));
                    return;
                }
                continue;
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

    /** How much of an oversize body is read and discarded so the client can read its 413: 4 x the cap, at most 16 MiB. */
    static long drainLimit(int maxBytes) {
        return Math.min(4L * maxBytes, 16L << 20);
    }

    static ApiException tooLarge(int maxBytes) {
        return new ApiException(
                413, "body_too_large", "request body exceeds " + maxBytes + " bytes (--max-body-bytes)");
    }
}
