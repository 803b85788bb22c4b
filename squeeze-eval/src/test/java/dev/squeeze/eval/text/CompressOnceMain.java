package dev.squeeze.eval.text;

import dev.squeeze.core.data.SharedData;
import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.LexicalCompressor;
import java.nio.file.Files;

/**
 * Compresses {@code args[0]} characters of tinystories-sample.txt (repeated) once at rate 0.5 with the default
 * method and exits 0 (development aid for the server's heap estimate: run it under decreasing -Xmx to find the
 * smallest heap that holds one compression; docs/RELIABILITY.md gives the loop).
 */
public final class CompressOnceMain {
    public static void main(String[] args) throws Exception {
        int chars = Integer.parseInt(args[0]);
        String src = Files.readString(SharedData.require("text/tinystories-sample.txt"));
        StringBuilder sb = new StringBuilder(chars + src.length());
        while (sb.length() < chars) sb.append(src);
        String text = sb.substring(0, chars);
        int tokens = new LexicalCompressor()
                .compress(CompressionRequest.builder(text).rate(0.5).build())
                .compressedTokens();
        System.out.println(chars + " chars -> " + tokens + " tokens");
    }
}
