package dev.squeeze.beam;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {
    /** Lines as "n:text" and over-limit lines as "n:TOO LONG length sha256". */
    static List<String> read(byte[] input, int max) throws IOException {
        List<String> out = new ArrayList<>();
        new LineReader(max).read(new ByteArrayInputStream(input), new LineReader.Sink() {
            @Override
            public void line(long number, byte[] bytes) {
                out.add(number + ":" + new String(bytes, StandardCharsets.UTF_8));
            }

            @Override
            public void tooLong(long number, long length, byte[] sha256) {
                out.add(number + ":TOO LONG " + length + " " + HexFormat.of().formatHex(sha256));
            }
        });
        return out;
    }

    static String sha(byte[] b) {
        return HexFormat.of().formatHex(DeadLetter.newSha256().digest(b));
    }

    @Test
    void splitsOnNewlineDropsCarriageReturnKeepsEmptyAndUnterminatedLines() throws IOException {
        assertEquals(
                List.of("1:a", "2:b", "3:", "4:last"), read("a\nb\r\n\nlast".getBytes(StandardCharsets.UTF_8), 100));
        assertEquals(List.of("1:a"), read("a\n".getBytes(StandardCharsets.UTF_8), 100));
        assertEquals(List.of(), read(new byte[0], 100));
    }

    @Test
    void aLineOverTheLimitIsDigestedNotHeld() throws IOException {
        byte[] in = "abcd\nabcdefgh\nxy".getBytes(StandardCharsets.UTF_8);
        assertEquals(
                List.of("1:abcd", "2:TOO LONG 8 " + sha("abcdefgh".getBytes(StandardCharsets.UTF_8)), "3:xy"),
                read(in, 4));
    }

    @Test
    void longLinesAcrossBufferBoundaries() throws IOException {
        byte[] big = new byte[200_000];
        Arrays.fill(big, (byte) 'x');
        big[150_000] = 'y';
        byte[] ok = new byte[100_000];
        Arrays.fill(ok, (byte) 'z');
        byte[] in = new byte[big.length + 1 + ok.length + 1];
        System.arraycopy(big, 0, in, 0, big.length);
        in[big.length] = '\n';
        System.arraycopy(ok, 0, in, big.length + 1, ok.length);
        in[in.length - 1] = '\n';
        List<String> lines = read(in, 100_000);
        assertEquals(2, lines.size());
        assertEquals("1:TOO LONG 200000 " + sha(big), lines.get(0));
        assertEquals("2:" + "z".repeat(100_000), lines.get(1)); // exactly the limit is accepted
    }

    @Test
    void refusesANonPositiveLimit() {
        assertThrows(IllegalArgumentException.class, () -> new LineReader(0));
    }
}
