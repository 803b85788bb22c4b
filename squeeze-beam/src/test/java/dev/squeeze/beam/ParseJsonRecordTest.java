package dev.squeeze.beam;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ParseJsonRecordTest {
    static final ParseJsonRecord PARSE = new ParseJsonRecord(10, ReadDocuments.DOCUMENTS, ReadDocuments.FAILED);

    static {
        PARSE.setup();
    }

    static Document parse(String line) throws ParseJsonRecord.Refused {
        return PARSE.parse(new RawRecord("f.jsonl", 3, line.getBytes(StandardCharsets.UTF_8)));
    }

    static String refused(String line) {
        return assertThrows(ParseJsonRecord.Refused.class, () -> parse(line)).getMessage();
    }

    @Test
    void readsIdTextAndQuestion() throws Exception {
        assertEquals(
                new Document("a", "some text", "why?", "f.jsonl:3"),
                parse("{\"id\":\"a\",\"text\":\"some text\",\"question\":\"why?\",\"title\":\"x\"}"));
        assertEquals(new Document("7", "t", null, "f.jsonl:3"), parse("{\"id\":7,\"text\":\"t\",\"question\":null}"));
    }

    @Test
    void refusesWhatIsNotOneWellFormedRecord() {
        assertTrue(refused("{\"id\":\"a\",\"text\":\"x\",\"text\":\"y\"}").contains("Duplicate field 'text'"));
        assertTrue(refused("{\"id\":\"a\",\"text\":\"x\"} {}").contains("not one JSON value"));
        assertTrue(refused("[1,2]").contains("ARRAY, not an object"));
        assertTrue(refused("   ").contains("blank line"));
        assertTrue(refused("{\"id\":1.5,\"text\":\"x\"}").contains("'id' must be a string or an integer"));
        assertTrue(refused("{\"id\":\"a\",\"text\":3}").contains("'text' must be a string, got NUMBER"));
        assertTrue(refused("{\"id\":\"a\",\"text\":\" \\n \"}").contains("'text' is empty"));
        assertTrue(refused("{\"id\":\"a\",\"text\":\"x\",\"question\":[]}")
                .contains("'question' must be a string or null"));
        assertTrue(refused("{\"id\":\"a\",\"text\":\"bad \\ud800 surrogate\"}")
                .contains("unpaired surrogate at char offset 4"));
        assertTrue(
                refused("{\"id\":\"a\",\"text\":\"ok abcdefghijk\"}").contains("11-character word at char offset 3"));
    }

    @Test
    void keepsTheIdOfARecordRefusedAfterItWasRead() {
        ParseJsonRecord.Refused r =
                assertThrows(ParseJsonRecord.Refused.class, () -> parse("{\"id\":\"k\",\"text\":\"\"}"));
        assertEquals("k", r.id);
    }
}
