package dev.squeeze.beam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.squeeze.core.data.DataAssumptions;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * A test corpus in JSONL made from ../shared/data: Paul Graham essays (no question) and NaturalQuestions-open gold
 * passages with their questions, then the bad records every job must dead-letter: invalid UTF-8, empty text, a line
 * over the record limit, not JSON, no text, a control character, and a question longer than the budget (refused by
 * the compressor itself, at rate 0.3).
 */
public final class Corpus {
    public static final ObjectMapper JSON = new ObjectMapper();
    /** The record limit the tests run with: the over-limit line is made longer. */
    static final int MAX_RECORD_BYTES = 256 << 10;

    /** One good record (as written) and the bad ones' ids (null when unreadable) and reason fragments, by line. */
    record Bad(String origin, String idOrNull, String stage, String reasonFragment, byte[] line, byte[] original) {}

    final List<Document> good = new ArrayList<>();
    final List<Bad> bad = new ArrayList<>();
    final Path file;
    int lines;

    private Corpus(Path file) {
        this.file = file;
    }

    /** Writes {@code essays} essays, {@code passages} NQ passages and the bad records into {@code dir/corpus.jsonl}. */
    static Corpus write(Path dir, int essays, int passages) throws IOException {
        Corpus c = new Corpus(dir.resolve("corpus.jsonl"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Document d : essays(essays)) c.good(out, d.id(), d.text(), d.question());
        for (Document d : nqPassages(passages)) c.good(out, d.id(), d.text(), d.question());
        c.bad(
                out,
                new byte[] {
                    '{',
                    '"',
                    'i',
                    'd',
                    '"',
                    ':',
                    '"',
                    'u',
                    '"',
                    ',',
                    '"',
                    't',
                    'e',
                    'x',
                    't',
                    '"',
                    ':',
                    '"',
                    (byte) 0xC3,
                    0x28,
                    '"',
                    '}'
                },
                null,
                DeadLetter.PARSE,
                "invalid UTF-8 at byte offset 18");
        c.bad(out, bytes("{\"id\":\"empty\",\"text\":\"\"}"), "empty", DeadLetter.PARSE, "field 'text' is empty");
        String big = "word ".repeat(MAX_RECORD_BYTES / 5 + 10);
        c.bad(
                out,
                bytes("{\"id\":\"huge\",\"text\":\"" + big + "\"}"),
                null,
                DeadLetter.READ,
                "over the limit of " + MAX_RECORD_BYTES + " bytes");
        c.bad(out, bytes("this is not json"), null, DeadLetter.PARSE, "not one JSON value");
        c.bad(out, bytes("{\"id\":7,\"title\":\"no text here\"}"), "7", DeadLetter.PARSE, "field 'text' is missing");
        c.bad(
                out,
                bytes("{\"id\":\"ctl\",\"text\":\"bell \\u0007 here\"}"),
                "ctl",
                DeadLetter.PARSE,
                "control character U+0007");
        String shortText = "A short passage of eight words, no more.";
        c.bad(
                out,
                bytes("{\"id\":\"long-question\",\"text\":\"" + shortText + "\"," + "\"question\":\""
                        + "why is this question so much longer than the passage it asks about ".repeat(3) + "\"}"),
                "long-question",
                DeadLetter.COMPRESS,
                "more than the budget",
                bytes(shortText));
        Files.write(c.file, out.toByteArray());
        return c;
    }

    /** The first {@code n} Paul Graham essays by file name: id = file name, no question. */
    public static List<Document> essays(int n) throws IOException {
        Path essayDir = DataAssumptions.require("text/paul-graham-essays");
        List<Document> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(essayDir)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".txt"))
                    .sorted()
                    .limit(n)
                    .toList()) {
                out.add(new Document(
                        f.getFileName().toString(), Files.readString(f).strip(), null, f.toString()));
            }
        }
        return out;
    }

    /** The gold passages of the first {@code n} NQ-open questions: id = "nq-i", with the question. */
    public static List<Document> nqPassages(int n) throws IOException {
        Path nq = DataAssumptions.require("qa/nq-open-oracle.jsonl.gz");
        List<Document> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(Files.newInputStream(nq)), StandardCharsets.UTF_8))) {
            for (int i = 0; i < n; i++) {
                JsonNode j = JSON.readTree(r.readLine());
                out.add(new Document(
                        "nq-" + i,
                        j.get("ctxs").get(0).get("text").asText(),
                        j.get("question").asText(),
                        nq + ":" + (i + 1)));
            }
        }
        return out;
    }

    /** A JSONL line {id, text, question?}. */
    public static byte[] jsonl(Document d) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", d.id());
        o.put("text", d.text());
        if (d.question() != null) o.put("question", d.question());
        return JSON.writeValueAsBytes(o);
    }

    private void good(ByteArrayOutputStream out, String id, String text, String question) throws IOException {
        lines++;
        Document d = new Document(id, text, question, file + ":" + lines);
        good.add(d);
        out.write(jsonl(d));
        out.write('\n');
    }

    private void bad(ByteArrayOutputStream out, byte[] line, String id, String stage, String fragment) {
        bad(out, line, id, stage, fragment, line);
    }

    /** A bad record whose dead letter keeps {@code original}: the line, or the text for a compressor's refusal. */
    private void bad(
            ByteArrayOutputStream out, byte[] line, String id, String stage, String fragment, byte[] original) {
        lines++;
        bad.add(new Bad(file + ":" + lines, id, stage, fragment, line, original));
        out.writeBytes(line);
        out.write('\n');
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The lines of every file of {@code dir} starting with {@code prefix}, sorted. */
    public static List<String> lines(Path dir, String prefix) throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p :
                    s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList())
                all.addAll(Files.readAllLines(p));
        }
        all.sort(null);
        return all;
    }
}
