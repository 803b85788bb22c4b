package dev.squeeze.beam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;
import org.jspecify.annotations.Nullable;

/**
 * The compression job's one step per record after the spread: parse the line ({@link ParseJsonRecord}), compress the
 * document ({@link CompressDocuments.CompressFn}) and render its output line ({@link CompressedDocument#toJson}), with
 * the same dead letters and counters as those steps one after the other. One step instead of three because the
 * DirectRunner does not fuse steps: it hands every element from step to step and builds each step's evaluator again
 * for every bundle (docs/PERFORMANCE.md, squeeze-beam).
 */
final class CompressRecords extends DoFn<RawRecord, String> {
    private final ParseJsonRecord parse;
    private final CompressDocuments.CompressFn compress;
    private final TupleTag<String> lines;
    private final TupleTag<DeadLetter> failed;
    private transient @Nullable ObjectMapper json;

    CompressRecords(
            int maxWordChars,
            CompressorSource source,
            CompressionSettings settings,
            TupleTag<String> lines,
            TupleTag<DeadLetter> failed) {
        this.parse = new ParseJsonRecord(maxWordChars, ReadDocuments.DOCUMENTS, failed);
        this.compress = new CompressDocuments.CompressFn(source, settings);
        this.lines = lines;
        this.failed = failed;
    }

    @Setup
    public void setup() {
        parse.setup();
        compress.setup();
        json = new ObjectMapper();
    }

    @ProcessElement
    public void process(@Element RawRecord r, MultiOutputReceiver out) throws JsonProcessingException {
        ObjectMapper m = json;
        if (m == null) throw new IllegalStateException("@Setup did not run before @ProcessElement");
        OutputReceiver<DeadLetter> refused = out.get(failed);
        Document d = parse.parseOrRefuse(r, refused::output);
        if (d == null) return;
        CompressedDocument c = compress.compressOrRefuse(d, refused::output);
        if (c != null) out.get(lines).output(m.writeValueAsString(c.toJson(m)));
    }
}
