package dev.squeeze.encoder.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Real sentences from ../shared/data: Paul Graham essay sentences and NQ-open questions and passages, in file order. */
public final class RealSentences {
    private RealSentences() {}

    /** Up to {@code essays} essay sentences (10 to 400 characters) and {@code nq} NQ questions plus passage openings. */
    public static List<String> load(Path data, int essays, int nq) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(data.resolve("text/paul-graham-essays"))) {
            for (Path p :
                    files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                for (String s : Files.readString(p, StandardCharsets.UTF_8).split("(?<=[.!?])\\s+")) {
                    String t = s.strip();
                    if (t.length() >= 10 && t.length() <= 400 && out.size() < essays) out.add(t);
                }
            }
        }
        ObjectMapper om = new ObjectMapper();
        int added = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(data.resolve("qa/nq-open-oracle.jsonl.gz"))),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && added < nq) {
                var n = om.readTree(line);
                out.add(n.get("question").asText());
                String passage = n.get("ctxs").get(0).get("text").asText();
                out.add(passage.length() > 300 ? passage.substring(0, 300) : passage);
                added += 2;
            }
        }
        return out;
    }
}
