package dev.squeeze.cli.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squeeze.cli.CliTestSupport;
import dev.squeeze.encoder.Architecture;
import dev.squeeze.encoder.distill.StaticEmbeddings;
import dev.squeeze.encoder.testing.RandomEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code squeeze distill} on a tiny random BERT folder: the file it writes, and its errors. */
class DistillCommandTest {
    static final String TOKENIZER = "{\"version\":\"1.0\",\"added_tokens\":["
            + "{\"id\":0,\"content\":\"[PAD]\",\"special\":true,\"normalized\":false},{\"id\":1,\"content\":\"[UNK]\",\"special\":true,\"normalized\":false},"
            + "{\"id\":2,\"content\":\"[CLS]\",\"special\":true,\"normalized\":false},{\"id\":3,\"content\":\"[SEP]\",\"special\":true,\"normalized\":false},"
            + "{\"id\":4,\"content\":\"[MASK]\",\"special\":true,\"normalized\":false}],"
            + "\"normalizer\":{\"type\":\"BertNormalizer\",\"lowercase\":true},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},"
            + "\"post_processor\":{\"type\":\"BertProcessing\",\"sep\":[\"[SEP]\",3],\"cls\":[\"[CLS]\",2]},"
            + "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",\"vocab\":{\"[PAD]\":0,\"[UNK]\":1,\"[CLS]\":2,\"[SEP]\":3,"
            + "\"[MASK]\":4,\"[unused0]\":5,\"the\":6,\"cat\":7,\"##s\":8,\"sat\":9,\"...\":10,\"mat\":11,\"on\":12,\"dog\":13}}}";

    @Test
    void writesStaticEmbeddingsOfTheFilteredVocabulary(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("tiny");
        new RandomEncoder(Architecture.BERT, 14, 16, 1, 2, 32, 16, 0, 3)
                .write(dir, TOKENIZER.getBytes(StandardCharsets.UTF_8), false);
        Path out = tmp.resolve("tiny.sqse");
        CliTestSupport.Run r = CliTestSupport.run(
                "distill", "--model", dir.toString(), "--out", out.toString(), "--dims", "4", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("9 entries x 4 dims"), r.out());
        StaticEmbeddings e = StaticEmbeddings.read(Files.readAllBytes(out), out.toString());
        assertEquals(4, e.dims());
        assertEquals(14, e.vocabSize());
        // kept: [PAD] [UNK] the cat ##s sat mat on dog; gone: [CLS] [SEP] [MASK] (added tokens), [unused0], "..."
        // (split by the pre-tokenizer)
        for (int id : new int[] {0, 1, 6, 7, 8, 9, 11, 12, 13}) assertTrue(e.has(id), "id " + id);
        for (int id : new int[] {2, 3, 4, 5, 10}) assertFalse(e.has(id), "id " + id);
        assertEquals(9, e.metadata().path("vocabulary").asInt());
        assertEquals("tiny", e.metadata().path("source").path("name").asText());
    }

    @Test
    void badArgumentsAreNamed(@TempDir Path tmp) throws Exception {
        CliTestSupport.Run r = CliTestSupport.run(
                "distill",
                "--model",
                tmp.resolve("absent").toString(),
                "--out",
                tmp.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("absent"), r.err());
        Path dir = tmp.resolve("tiny");
        new RandomEncoder(Architecture.BERT, 14, 16, 1, 2, 32, 16, 0, 3)
                .write(dir, TOKENIZER.getBytes(StandardCharsets.UTF_8), false);
        r = CliTestSupport.run(
                "distill", "--model", dir.toString(), "--out", tmp.resolve("x").toString(), "--dims", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--dims must be >= 1"), r.err());
    }
}
