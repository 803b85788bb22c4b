package dev.squeeze.beam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.squeeze.text.TextChecks;
import java.util.function.Consumer;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;
import org.jspecify.annotations.Nullable;

/**
 * A JSONL line to a {@link Document}: strict UTF-8 (the error names the byte offset), one JSON object (duplicate keys
 * and trailing content refused) with {@code id} (string or integer), {@code text} (a non-blank string) and an optional
 * {@code question} (string or null); other fields are ignored. The text must be text (no NUL or other control
 * characters, no unpaired surrogates) and hold no word over {@code maxWordChars} code points (BPE tokenizers take a
 * run of letters or symbols whole, so one huge word costs quadratic time). Anything else goes to the dead-letter
 * output with the reason and the line's bytes.
 */
final class ParseJsonRecord extends DoFn<RawRecord, Document> {
    private final int maxWordChars;
    private final TupleTag<Document> documents;
    private final TupleTag<DeadLetter> failed;
    private final Counter failures = BatchMetrics.counter(BatchMetrics.RECORDS_FAILED);
    private transient @Nullable ObjectReader json;

    ParseJsonRecord(int maxWordChars, TupleTag<Document> documents, TupleTag<DeadLetter> failed) {
        if (maxWordChars < 1) throw new IllegalArgumentException("max word chars must be >= 1, got " + maxWordChars);
        this.maxWordChars = maxWordChars;
        this.documents = documents;
        this.failed = failed;
    }

    @Setup
    public void setup() {
        json = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build()
                .reader();
    }

    /** Why a record is refused; carries the id when it was read. */
    static final class Refused extends Exception {
        final @Nullable String id;

        Refused(@Nullable String id, String reason) {
            super(reason, null, false, false);
            this.id = id;
        }
    }

    @ProcessElement
    public void process(@Element RawRecord r, MultiOutputReceiver out) {
        Document d = parseOrRefuse(r, out.get(failed)::output);
        if (d != null) out.get(documents).output(d);
    }

    /** The record's document, or {@code null} after counting the refusal and handing it to {@code refused}. */
    @Nullable
    Document parseOrRefuse(RawRecord r, Consumer<DeadLetter> refused) {
        try {
            return parse(r);
        } catch (Refused e) {
            failures.inc();
            refused.accept(
                    DeadLetter.of(e.id, r.origin(), DeadLetter.PARSE, String.valueOf(e.getMessage()), r.bytes()));
            return null;
        }
    }

    Document parse(RawRecord r) throws Refused {
        String line;
        try {
            line = TextChecks.decodeUtf8(r.bytes(), "line");
        } catch (IllegalArgumentException e) {
            throw new Refused(null, e.getMessage());
        }
        if (line.isBlank()) throw new Refused(null, "blank line: no JSON record");
        JsonNode n;
        try {
            ObjectReader reader = json;
            if (reader == null) throw new IllegalStateException("@Setup did not run before @ProcessElement");
            n = reader.readTree(line);
        } catch (JsonProcessingException e) {
            throw new Refused(
                    null,
                    "not one JSON value: " + e.getOriginalMessage() + " at column "
                            + e.getLocation().getColumnNr());
        }
        if (n == null || !n.isObject())
            throw new Refused(
                    null, "the line is a JSON " + (n == null ? "nothing" : n.getNodeType()) + ", not an object");
        JsonNode idNode = n.get("id");
        if (idNode == null || idNode.isNull()) throw new Refused(null, "field 'id' is missing");
        if (!idNode.isTextual() && !idNode.isIntegralNumber())
            throw new Refused(null, "field 'id' must be a string or an integer, got " + idNode.getNodeType());
        String id = idNode.asText();
        JsonNode textNode = n.get("text");
        if (textNode == null || textNode.isNull()) throw new Refused(id, "field 'text' is missing");
        if (!textNode.isTextual())
            throw new Refused(id, "field 'text' must be a string, got " + textNode.getNodeType());
        String text = textNode.asText();
        if (text.isBlank()) throw new Refused(id, "field 'text' is empty: nothing to compress");
        JsonNode q = n.get("question");
        if (q != null && !q.isNull() && !q.isTextual())
            throw new Refused(id, "field 'question' must be a string or null, got " + q.getNodeType());
        String question = q == null || q.isNull() ? null : q.asText();
        try {
            TextChecks.requireText("field 'text'", text);
            if (question != null) TextChecks.requireText("field 'question'", question);
            TextChecks.requireWordsAtMost("field 'text'", text, maxWordChars);
        } catch (IllegalArgumentException e) {
            throw new Refused(id, e.getMessage());
        }
        return new Document(id, text, question, r.origin());
    }
}
