package dev.squeeze.beam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.jspecify.annotations.Nullable;

/**
 * The compression job's one step per record after the spread: parse the line ({@link ParseJsonRecord}), compress the
 * document ({@link CompressDocuments.CompressFn}) and render its output line, keyed by the output it goes to: the
 * {@link CompressedDocument} JSON under {@code compressedKey}, or the {@link DeadLetter} JSON under
 * {@code deadLetterKey}, with the same dead letters and counters as those steps one after the other. One step instead
 * of five because the DirectRunner fuses nothing: it hands every element from step to step and builds each step's
 * evaluator again for every bundle (docs/PERFORMANCE.md, squeeze-beam).
 */
final class CompressRecords extends DoFn<RawRecord, KV<String, String>> {
    private final ParseJsonRecord parse;
    private final CompressDocuments.CompressFn compress;
    private final String compressedKey;
    private final String deadLetterKey;
    private transient @Nullable ObjectMapper json;

    CompressRecords(
            int maxWordChars,
            CompressorSource source,
            CompressionSettings settings,
            String compressedKey,
            String deadLetterKey) {
        this.parse = new ParseJsonRecord(maxWordChars, ReadDocuments.DOCUMENTS, ReadDocuments.FAILED);
        this.compress = new CompressDocuments.CompressFn(source, settings);
        this.compressedKey = compressedKey;
        this.deadLetterKey = deadLetterKey;
    }

    @Setup
    public void setup() {
        parse.setup();
        compress.setup();
        json = new ObjectMapper();
    }

    @ProcessElement
    public void process(@Element RawRecord r, OutputReceiver<KV<String, String>> out) {
        ObjectMapper m = json;
        if (m == null) throw new IllegalStateException("@Setup did not run before @ProcessElement");
        Consumer<DeadLetter> refused = d -> out.output(KV.of(deadLetterKey, line(m, d.toJson(m))));
        Document d = parse.parseOrRefuse(r, refused);
        if (d == null) return;
        CompressedDocument c = compress.compressOrRefuse(d, refused);
        if (c != null) out.output(KV.of(compressedKey, line(m, c.toJson(m))));
    }

    private static String line(ObjectMapper m, ObjectNode node) {
        try {
            return m.writeValueAsString(node);
        } catch (JsonProcessingException e) { // a tree of strings and numbers always renders
            throw new IllegalStateException("cannot render " + node, e);
        }
    }
}
