package dev.squeeze.cachegen.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Watches the RESP replies a Redis client reads and fails before the client allocates for a lie: a bulk length
 * ({@code $}, and RESP3's {@code =} and {@code !}) over {@code maxValueBytes}, or a line (simple string, error,
 * number, aggregate header) longer than {@link #MAX_LINE} bytes. Jedis sizes its buffer from the length it reads
 * ({@code new byte[len]}), so a server (or anything in between) claiming 2^31 bytes would otherwise throw
 * OutOfMemoryError or NegativeArraySizeException; here it becomes an IOException naming the claim and the cap,
 * which Jedis reports as a broken connection and the store as a miss.
 */
final class RespReplyGuard extends FilterInputStream {
    static final int MAX_LINE = 1 << 16;

    private enum State {
        TYPE,
        LENGTH,
        LINE,
        SKIP
    }

    private final long maxValueBytes;
    private final String server;
    private State state = State.TYPE;
    private long skip; // payload bytes (+ CRLF) of the current bulk value still to pass
    private long length; // the bulk length being parsed
    private boolean negative;
    private int lineBytes;

    RespReplyGuard(InputStream in, long maxValueBytes, String server) {
        super(in);
        this.maxValueBytes = maxValueBytes;
        this.server = server;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) scan(new byte[] {(byte) b}, 0, 1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) scan(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 8192)];
        int r = read(buf, 0, buf.length);
        return Math.max(r, 0);
    }

    private void scan(byte[] b, int off, int n) throws IOException {
        int i = off, end = off + n;
        while (i < end) {
            switch (state) {
                case SKIP -> {
                    int take = (int) Math.min(skip, end - i);
                    i += take;
                    skip -= take;
                    if (skip == 0) state = State.TYPE;
                }
                case TYPE -> {
                    byte t = b[i++];
                    lineBytes = 0;
                    if (t == '$' || t == '=' || t == '!') {
                        state = State.LENGTH;
                        length = 0;
                        negative = false;
                    } else {
                        state = State.LINE;
                    }
                }
                case LENGTH -> {
                    byte c = b[i++];
                    line();
                    if (c == '\n') {
                        if (negative) {
                            state = State.TYPE; // $-1: nil
                        } else if (length > maxValueBytes) {
                            throw new IOException(server + " replied with a value of "
                                    + (length == Long.MAX_VALUE ? "more than 2^63" : length)
                                    + " bytes, over the cap of " + maxValueBytes + " bytes per value");
                        } else {
                            skip = length + 2;
                            state = State.SKIP;
                        }
                    } else if (c == '-') {
                        negative = true;
                    } else if (c >= '0' && c <= '9') {
                        length = length > (Long.MAX_VALUE - 9) / 10
                                ? Long.MAX_VALUE
                                : length * 10 + (c - '0'); // saturates
                    }
                }
                case LINE -> {
                    byte c = b[i++];
                    line();
                    if (c == '\n') state = State.TYPE;
                }
            }
        }
    }

    private void line() throws IOException {
        if (++lineBytes > MAX_LINE)
            throw new IOException(server + " sent a reply line longer than " + MAX_LINE + " bytes");
    }
}
