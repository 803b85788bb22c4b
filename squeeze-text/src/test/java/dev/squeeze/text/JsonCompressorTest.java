package dev.squeeze.text;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonCompressorTest {
    private static final String DOC = """
            {"id": 4711, "title": "Quarterly report", "active": true,
             "summary": "%s",
             "tags": ["finance", "%s"],
             "owner": {"name": "Ada", "notes": "%s"}}
            """.formatted(
                    LexicalCompressorTest.filler(12).replace("\n", " "),
                    LexicalCompressorTest.filler(6).replace("\n", " "),
                    LexicalCompressorTest.filler(8).replace("\n", " "));

    @Test
    void keysNumbersAndStructureStayValuesShrink() throws Exception {
        var c = new JsonCompressor(new LexicalCompressor());
        CompressionResult r =
                c.compress(CompressionRequest.builder(DOC).rate(0.4).build());
        JsonNode in = new ObjectMapper().readTree(DOC), out = new ObjectMapper().readTree(r.compressed());
        assertEquals(4711, out.get("id").asInt());
        assertTrue(out.get("active").asBoolean());
        assertEquals("Quarterly report", out.get("title").asText(), "short values are kept");
        assertEquals("finance", out.get("tags").get(0).asText());
        assertEquals("Ada", out.get("owner").get("name").asText());
        assertTrue(out.get("summary").asText().length()
                < in.get("summary").asText().length());
        assertTrue(out.get("owner").get("notes").asText().length()
                < in.get("owner").get("notes").asText().length());
        assertTrue(r.rate() <= 0.42, "rate " + r.rate());
    }

    @Test
    void onlyNamedKeysAreCompressed() throws Exception {
        var c = new JsonCompressor(new LexicalCompressor());
        CompressionResult r = c.compress(CompressionRequest.builder(DOC)
                .rate(0.7)
                .options(java.util.Map.of("keys", "summary"))
                .build());
        JsonNode in = new ObjectMapper().readTree(DOC), out = new ObjectMapper().readTree(r.compressed());
        assertEquals(
                in.get("owner").get("notes").asText(),
                out.get("owner").get("notes").asText());
        assertNotEquals(in.get("summary").asText(), out.get("summary").asText());
    }

    @Test
    void invalidJsonNamesTheLocation() {
        var c = new JsonCompressor(new LexicalCompressor());
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> c.compress(CompressionRequest.builder("{\"a\": 1,\n \"b\": }")
                        .rate(0.5)
                        .build()));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
