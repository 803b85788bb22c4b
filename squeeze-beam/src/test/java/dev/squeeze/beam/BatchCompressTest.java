package dev.squeeze.beam;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.PromptCompressor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on the DirectRunner over real data (12 essays, 60 NQ passages, 7 bad records): every good record's
 * output equals the single-process {@code squeeze compress} result for it, every bad record is in the dead-letter
 * output with its reason and bytes, and the counters add up.
 */
class BatchCompressTest {
    @TempDir
    static Path dir;

    static Corpus corpus;
    static BatchMetrics.Totals totals;
    static Map<String, Object> reference;
    static final CompressionSettings SETTINGS = CompressionSettings.rate(0.3);

    @BeforeAll
    static void run() throws Exception {
        corpus = Corpus.write(dir, 12, 60);
        BatchCompressOptions o = PipelineOptionsFactory.fromArgs(
                        "--runner=DirectRunner",
                        "--input=" + corpus.file,
                        "--output=" + dir.resolve("out"),
                        "--rate=0.3",
                        "--maxRecordBytes=" + Corpus.MAX_RECORD_BYTES)
                .as(BatchCompressOptions.class);
        totals = BatchCompress.run(o);
        reference = reference();
    }

    /**
     * The reference: the single-process loop ({@code squeeze compress} per record). Records it refuses (a question
     * longer than the budget of a short passage) must be dead-lettered with the same message.
     */
    static Map<String, Object> reference() {
        // no --method: the job runs the library's default, as squeeze compress does
        PromptCompressor method = CompressorRegistry.load().get(CompressorRegistry.DEFAULT_METHOD);
        Map<String, Object> want = new HashMap<>();
        for (Document d : corpus.good) {
            try {
                want.put(d.id(), method.compress(SETTINGS.request(d.text(), d.question())));
            } catch (IllegalArgumentException e) {
                want.put(d.id(), e.getMessage());
            }
        }
        return want;
    }

    @Test
    void everyGoodRecordEqualsTheSingleProcessResult() throws Exception {
        Map<String, JsonNode> byId = new HashMap<>();
        for (String line : Corpus.lines(dir.resolve("out"), BatchCompress.COMPRESSED_PREFIX)) {
            JsonNode n = Corpus.JSON.readTree(line);
            assertNull(byId.put(n.get("id").asText(), n), "id twice: " + n.get("id"));
            assertEquals(
                    List.of("id", "compressed", "originTokens", "compressedTokens", "rate", "method"), fieldNames(n));
        }
        Map<String, JsonNode> refused = deadLetters(DeadLetter.COMPRESS);
        int compressed = 0;
        for (Map.Entry<String, Object> e : reference.entrySet()) {
            String id = e.getKey();
            if (e.getValue() instanceof String reason) {
                assertFalse(byId.containsKey(id), id);
                assertEquals(reason, refused.get(id).get("reason").asText(), id);
                continue;
            }
            CompressionResult want = (CompressionResult) e.getValue();
            JsonNode got = byId.get(id);
            assertNotNull(got, id);
            assertEquals(want.compressed(), got.get("compressed").asText(), id);
            assertEquals(want.originTokens(), got.get("originTokens").asInt(), id);
            assertEquals(want.compressedTokens(), got.get("compressedTokens").asInt(), id);
            assertEquals(want.rate(), got.get("rate").asDouble(), 0.0, id);
            assertEquals(CompressorRegistry.DEFAULT_METHOD, got.get("method").asText());
            assertTrue(want.compressedTokens() < want.originTokens(), id);
            compressed++;
        }
        assertEquals(compressed, byId.size());
        assertTrue(compressed >= corpus.good.size() - 5, compressed + " of " + corpus.good.size());
    }

    static Map<String, JsonNode> deadLetters(String stage) throws Exception {
        Map<String, JsonNode> byId = new HashMap<>();
        for (String line : Corpus.lines(dir.resolve("out"), BatchCompress.DEAD_LETTER_PREFIX)) {
            JsonNode n = Corpus.JSON.readTree(line);
            if (n.get("stage").asText().equals(stage)) byId.put(n.get("id").asText(), n);
        }
        return byId;
    }

    @Test
    void everyBadRecordIsDeadLetteredWithItsReasonAndBytes() throws Exception {
        Map<String, JsonNode> byOrigin = new HashMap<>();
        for (String line : Corpus.lines(dir.resolve("out"), BatchCompress.DEAD_LETTER_PREFIX)) {
            JsonNode n = Corpus.JSON.readTree(line);
            byOrigin.put(n.get("origin").asText(), n);
        }
        long refusedGood =
                reference.values().stream().filter(v -> v instanceof String).count();
        assertEquals(corpus.bad.size() + refusedGood, byOrigin.size(), byOrigin.toString());
        for (Corpus.Bad b : corpus.bad) {
            String origin = b.origin()
                    .replace(
                            corpus.file.toString(), corpus.file.toAbsolutePath().toString());
            JsonNode n = byOrigin.get(origin);
            assertNotNull(n, "no dead letter for " + origin + " in " + byOrigin.keySet());
            assertEquals(b.stage(), n.get("stage").asText(), origin);
            assertTrue(
                    n.get("reason").asText().contains(b.reasonFragment()),
                    n.get("reason").asText());
            if (b.idOrNull() == null) assertTrue(n.get("id").isNull(), origin);
            else assertEquals(b.idOrNull(), n.get("id").asText());
            assertEquals(
                    HexFormat.of().formatHex(DeadLetter.newSha256().digest(b.original())),
                    n.get("sha256").asText(),
                    origin);
            assertEquals(b.original().length, n.get("length").asLong(), origin);
            if (b.original().length <= DeadLetter.MAX_KEPT_BYTES) {
                assertArrayEquals(
                        b.original(),
                        Base64.getDecoder().decode(n.get("original").asText()),
                        origin);
            } else {
                assertFalse(n.has("original"), origin);
            }
        }
    }

    @Test
    void countersAddUp() throws Exception {
        long refusedGood =
                reference.values().stream().filter(v -> v instanceof String).count();
        assertEquals(corpus.lines, totals.recordsIn());
        assertEquals(corpus.good.size() - refusedGood, totals.recordsOut());
        assertEquals(corpus.bad.size() + refusedGood, totals.recordsFailed());
        assertEquals(
                totals.recordsOut(),
                Corpus.lines(dir.resolve("out"), BatchCompress.COMPRESSED_PREFIX)
                        .size());
        assertEquals(
                totals.recordsFailed(),
                Corpus.lines(dir.resolve("out"), BatchCompress.DEAD_LETTER_PREFIX)
                        .size());
        assertTrue(totals.balanced());
        assertTrue(totals.tokensOut() < totals.tokensIn() / 2, totals.toString());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
