package dev.squeeze.eval.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.squeeze.text.TokenCounter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Builds the judge-free retention tasks of the text benchmark from {@code ../shared/data}. */
public final class TextTasks {
    /** One example: compress {@code context} (with {@code question} or not), then every string of {@code mustKeep} must survive (any one if {@code anyOf}). */
    public record Example(String context, String question, List<String> mustKeep, boolean anyOf) {}

    public static final String NEEDLE =
            "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.";
    public static final String NEEDLE_QUESTION = "What is the best thing to do in San Francisco?";
    public static final int[] NEEDLE_LENGTHS = {1000, 4000, 16000, 32000};
    public static final int NEEDLE_DEPTHS = 10;

    private TextTasks() {}

    /** Needle in a haystack: Paul Graham essays cut to each length, the needle at 10 depths (0 to 100%). */
    public static List<Example> needle(Path data, int[] lengths, int depths) throws IOException {
        List<Example> out = new ArrayList<>();
        for (String base : haystacks(data, lengths)) {
            for (int d = 0; d < depths; d++) {
                double depth = depths == 1 ? 0.5 : d / (double) (depths - 1);
                out.add(new Example(insertAt(base, depth, NEEDLE), NEEDLE_QUESTION, List.of(NEEDLE), false));
            }
        }
        return out;
    }

    /** The Paul Graham essays, concatenated in file order, cut to each length in cl100k tokens. */
    static List<String> haystacks(Path data, int[] lengths) throws IOException {
        Path dir = data.resolve("text/paul-graham-essays");
        StringBuilder hay = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p :
                    files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                hay.append(Files.readString(p, StandardCharsets.UTF_8)).append("\n\n");
            }
        }
        TokenCounter counter = TokenCounter.cl100k();
        int[] ids = counter.encode(hay.toString());
        List<String> out = new ArrayList<>();
        for (int len : lengths) out.add(counter.decode(java.util.Arrays.copyOf(ids, Math.min(len, ids.length))));
        return out;
    }

    /** {@code sentence} inserted into {@code base} at the next sentence boundary (". ") after depth x its length, or at the end. */
    static String insertAt(String base, double depth, String sentence) {
        int at = (int) (depth * base.length());
        int dot = base.indexOf(". ", at);
        int pos = at == 0 ? 0 : (dot < 0 ? base.length() : dot + 2);
        return base.substring(0, pos) + sentence + " " + base.substring(pos);
    }

    /** Lost-in-the-middle key-value retrieval: the JSON object as context, the key asked; retained = its value. */
    public static List<Example> keyValue(Path data, int keys, int limit) throws IOException {
        Path f = data.resolve("qa/kv-retrieval-" + keys + "_keys.jsonl.gz");
        ObjectMapper om = new ObjectMapper();
        List<Example> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(Files.newInputStream(f)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && out.size() < limit) {
                JsonNode n = om.readTree(line);
                StringBuilder sb = new StringBuilder("JSON data:\n{");
                JsonNode recs = n.get("ordered_kv_records");
                for (int i = 0; i < recs.size(); i++) {
                    sb.append(i == 0 ? "" : ",\n ")
                            .append('"')
                            .append(recs.get(i).get(0).asText())
                            .append("\": \"")
                            .append(recs.get(i).get(1).asText())
                            .append('"');
                }
                sb.append("}");
                String key = n.get("key").asText();
                String q = "Extract the value corresponding to the specified key in the JSON object above. Key: \""
                        + key + "\"";
                out.add(new Example(sb.toString(), q, List.of(n.get("value").asText()), false));
            }
        }
        return out;
    }

    /**
     * NQ-open with distractors: the gold passage among {@code docs - 1} gold passages of other questions
     * (seeded), at a random position; retained = any gold answer string intact.
     */
    public static List<Example> nq(Path data, int docs, int limit, long seed) throws IOException {
        Path f = data.resolve("qa/nq-open-oracle.jsonl.gz");
        ObjectMapper om = new ObjectMapper();
        List<JsonNode> all = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(Files.newInputStream(f)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) all.add(om.readTree(line));
        }
        Random rnd = new Random(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < all.size() && out.size() < limit; i++) {
            JsonNode ex = all.get(i);
            JsonNode gold = ex.get("ctxs").get(0);
            List<String> answers = new ArrayList<>();
            for (JsonNode a : ex.get("answers"))
                if (gold.get("text").asText().contains(a.asText())) answers.add(a.asText());
            if (answers.isEmpty()) continue;
            List<JsonNode> chosen = new ArrayList<>();
            while (chosen.size() < docs - 1) {
                int j = rnd.nextInt(all.size());
                if (j != i) chosen.add(all.get(j).get("ctxs").get(0));
            }
            chosen.add(rnd.nextInt(docs), gold);
            StringBuilder sb = new StringBuilder();
            for (int d = 0; d < chosen.size(); d++) {
                if (d > 0) sb.append("\n\n");
                sb.append("Document [")
                        .append(d + 1)
                        .append("](Title: ")
                        .append(chosen.get(d).get("title").asText())
                        .append(") ")
                        .append(chosen.get(d).get("text").asText());
            }
            out.add(new Example(sb.toString(), ex.get("question").asText(), answers, true));
        }
        return out;
    }

    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,:]\\d+)*");

    /** GSM8K questions compressed without a question; retained = every number of the question intact. */
    public static List<Example> gsm8k(Path data, int limit) throws IOException {
        ObjectMapper om = new ObjectMapper();
        List<Example> out = new ArrayList<>();
        for (String line : Files.readAllLines(data.resolve("qa/gsm8k-test.jsonl"), StandardCharsets.UTF_8)) {
            if (out.size() >= limit) break;
            if (line.isBlank()) continue;
            String q = om.readTree(line).get("question").asText();
            List<String> nums = new ArrayList<>();
            Matcher m = NUMBER.matcher(q);
            while (m.find()) nums.add(m.group());
            out.add(new Example(q, null, nums, false));
        }
        return out;
    }

    /** Whether the compressed text keeps what the example needs. */
    public static boolean retained(Example e, String compressed) {
        if (e.mustKeep().isEmpty()) return true;
        if (e.anyOf()) {
            for (String s : e.mustKeep()) if (compressed.contains(s)) return true;
            return false;
        }
        for (String s : e.mustKeep()) if (!compressed.contains(s)) return false;
        return true;
    }
}
