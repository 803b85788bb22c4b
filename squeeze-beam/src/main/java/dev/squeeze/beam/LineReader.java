package dev.squeeze.beam;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Splits a byte stream into lines ({@code \n}, an optional {@code \r} before it dropped) without decoding them, holding
 * at most {@code maxLineBytes} of one line: a longer line is digested (SHA-256) as it streams past and reported with
 * its length, never held whole. A last line without a terminator counts; the empty string after a final newline
 * does not.
 */
final class LineReader {
    /** Receives each line in order, numbered from 1. */
    interface Sink {
        void line(long number, byte[] bytes);

        void tooLong(long number, long length, byte[] sha256);
    }

    private final int maxLineBytes;

    LineReader(int maxLineBytes) {
        if (maxLineBytes < 1 || maxLineBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "max record bytes must be in [1, " + (Integer.MAX_VALUE - 8) + "], got " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    void read(InputStream in, Sink sink) throws IOException {
        byte[] buf = new byte[64 << 10];
        byte[] line = new byte[Math.min(maxLineBytes, 4096)];
        int len = 0; // bytes of the current line held in `line`
        long overLength = -1; // >= 0: the current line is over the cap; its length so far (held bytes went to digest)
        MessageDigest digest = DeadLetter.newSha256();
        long number = 1;
        boolean pending = false; // bytes seen since the last terminator
        for (int n; (n = in.read(buf)) > 0; ) {
            int start = 0;
            for (int i = 0; i <= n; i++) {
                boolean end = i < n && buf[i] == '\n';
                if (!end && i < n) continue;
                int piece = i - start; // bytes of buf[start, i) belong to the current line
                if (piece > 0) pending = true;
                if (overLength < 0 && (long) len + piece > maxLineBytes) {
                    digest.update(line, 0, len);
                    overLength = len;
                    len = 0;
                }
                if (overLength >= 0) {
                    digest.update(buf, start, piece);
                    overLength += piece;
                } else {
                    if (len + piece > line.length)
                        line = Arrays.copyOf(
                                line, (int) Math.min(maxLineBytes, Math.max(2L * line.length, len + piece)));
                    System.arraycopy(buf, start, line, len, piece);
                    len += piece;
                }
                if (end) {
                    emit(sink, number++, line, len, overLength, digest);
                    len = 0;
                    overLength = -1;
                    pending = false;
                }
                start = i + 1;
            }
        }
        if (pending) emit(sink, number, line, len, overLength, digest);
    }

    private static void emit(Sink sink, long number, byte[] line, int len, long overLength, MessageDigest digest) {
        if (overLength >= 0) {
            sink.tooLong(number, overLength, digest.digest()); // digest() also resets it for the next line
        } else {
            if (len > 0 && line[len - 1] == '\r') len--;
            sink.line(number, Arrays.copyOf(line, len));
        }
    }
}
