package dev.squeeze.cli.batch;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.squeeze.cli.CliTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code squeeze batch compress} on the embedded DirectRunner gives what {@code squeeze compress --json} gives per record. */
class BatchCompressCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String QUESTION = "How long are database backups kept on the Pro plan?";

    @TempDir
    Path dir;

    @Test
    void compressesEachRecordAsTheSingleCommandDoes() throws Exception {
        Path context = Path.of("..", "examples", "rag-context.txt");
        String text = Files.readString(context);
        ObjectNode a =
                JSON.createObjectNode().put("id", "rag").put("text", text).put("question", QUESTION);
        ObjectNode b = JSON.createObjectNode().put("id", "rag-no-question").put("text", text);
        Files.writeString(
                dir.resolve("in.jsonl"),
                JSON.writeValueAsString(a) + "\n" + JSON.writeValueAsString(b) + "\n{\"id\":\"x\"}\n",
                StandardCharsets.UTF_8);
        CliTestSupport.Run r = CliTestSupport.run(
                "batch",
                "compress",
                "--input",
                dir.resolve("*.jsonl").toString(),
                "--output",
                dir.resolve("out").toString(),
                "--rate",
                "0.25",
                "--workers",
                "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("records in 3, compressed 2, dead-letter 1;"), r.out());

        List<JsonNode> lines = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir.resolve("out"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("compressed"))
                    .toList()) {
                for (String l : Files.readAllLines(p)) lines.add(JSON.readTree(l));
            }
        }
        assertEquals(2, lines.size());
        CliTestSupport.Run single =
                CliTestSupport.run("compress", "--json", "--rate", "0.25", "--question", QUESTION, context.toString());
        assertEquals(0, single.code(), single.err());
        JsonNode want = JSON.readTree(single.out());
        JsonNode got = lines.stream()
                .filter(n -> n.get("id").asText().equals("rag"))
                .findFirst()
                .orElseThrow();
        for (String f : List.of("compressed", "originTokens", "compressedTokens", "rate", "method"))
            assertEquals(want.get(f), got.get(f), f);
    }

    @Test
    void badRunnerAndEmptyGlobAreOneLineErrors() {
        CliTestSupport.Run spark = CliTestSupport.run(
                "batch",
                "compress",
                "--input",
                dir.resolve("*.jsonl").toString(),
                "--output",
                dir.resolve("out").toString(),
                "--runner",
                "spark");
        assertEquals(2, spark.code());
        assertTrue(
                spark.err().contains("Spark runner is not on the class path")
                        && spark.err().contains("docs/BATCH.md"),
                spark.err());
        CliTestSupport.Run none = CliTestSupport.run(
                "batch",
                "compress",
                "--input",
                dir.resolve("nothing-*.jsonl").toString(),
                "--output",
                dir.resolve("out").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("No files matched"), none.err());
    }
}
