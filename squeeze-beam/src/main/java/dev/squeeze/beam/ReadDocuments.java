package dev.squeeze.beam;

import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * JSONL records from the files a glob matches (plain, or compressed as their extension says: {@code .gz},
 * {@code .bz2}, {@code .zst}, ...): one JSON object per line, {@code {"id": ..., "text": ..., "question": ...}}. Lines
 * are read as bytes and spread over the workers ({@link Reshuffle} onto {@link #withSpreadBuckets spread buckets})
 * before they are decoded and parsed, so one big file is compressed in parallel. Output: {@link #DOCUMENTS} and the
 * records refused while reading or parsing under {@link #FAILED}. A glob that matches nothing fails the job. Counts {@code records_in} per line.
 */
public final class ReadDocuments extends PTransform<PBegin, PCollectionTuple> {
    public static final TupleTag<Document> DOCUMENTS = new TupleTag<>("documents") {};
    public static final TupleTag<DeadLetter> FAILED = new TupleTag<>("failed") {};
    /** Largest record (line) read by default: 8 MiB. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 8 << 20;
    /** Longest word by default, as the HTTP service's {@code --max-word-chars}: 1,000 code points. */
    public static final int DEFAULT_MAX_WORD_CHARS = 1_000;
    /**
     * Keys the records are spread over by default: 64, more parallel tasks than a small cluster has cores (raise it
     * on a larger one). Beam's own default, one random key per record, makes the DirectRunner run each record as its
     * own bundle, and it translates every ParDo again per bundle (a fixed cost of tens of milliseconds): so
     * {@code squeeze batch} gives the DirectRunner one key per worker thread (docs/PERFORMANCE.md has the figures).
     */
    public static final int DEFAULT_SPREAD_BUCKETS = 64;

    /** The lines of {@link #spreadLines}. */
    static final TupleTag<RawRecord> LINES = new TupleTag<>("lines") {};

    private final String glob;
    private final int maxRecordBytes;
    private final int maxWordChars;
    private final int spreadBuckets;

    private ReadDocuments(String glob, int maxRecordBytes, int maxWordChars, int spreadBuckets) {
        if (spreadBuckets < 0)
            throw new IllegalArgumentException(
                    "spread buckets must be >= 0 (0 = a random key per record), got " + spreadBuckets);
        this.glob = glob;
        this.maxRecordBytes = maxRecordBytes;
        this.maxWordChars = maxWordChars;
        this.spreadBuckets = spreadBuckets;
    }

    public static ReadDocuments from(String glob) {
        return new ReadDocuments(glob, DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_WORD_CHARS, DEFAULT_SPREAD_BUCKETS);
    }

    /** Records (lines) longer than this many bytes are dead-lettered with their length and SHA-256. */
    public ReadDocuments withMaxRecordBytes(int n) {
        return new ReadDocuments(glob, n, maxWordChars, spreadBuckets);
    }

    /** Texts holding a word longer than this many code points are dead-lettered. */
    public ReadDocuments withMaxWordChars(int n) {
        return new ReadDocuments(glob, maxRecordBytes, n, spreadBuckets);
    }

    /** Records are spread over this many random keys ({@link #DEFAULT_SPREAD_BUCKETS}); 0 = one random key per record. */
    public ReadDocuments withSpreadBuckets(int n) {
        return new ReadDocuments(glob, maxRecordBytes, maxWordChars, n);
    }

    @Override
    public PCollectionTuple expand(PBegin begin) {
        PCollectionTuple lines = readSpreadLines(begin);
        PCollectionTuple parsed = lines.get(LINES)
                .apply(
                        "Parse",
                        ParDo.of(new ParseJsonRecord(maxWordChars, DOCUMENTS, FAILED))
                                .withOutputTags(DOCUMENTS, TupleTagList.of(FAILED)));
        parsed.get(DOCUMENTS).setCoder(Document.Coder.of());
        parsed.get(FAILED).setCoder(DeadLetter.Coder.of());
        PCollection<DeadLetter> failed =
                PCollectionList.of(lines.get(FAILED)).and(parsed.get(FAILED)).apply("Failures", Flatten.pCollections());
        return PCollectionTuple.of(DOCUMENTS, parsed.get(DOCUMENTS)).and(FAILED, failed);
    }

    /**
     * This transform without its parse step: the lines, spread over the workers, under {@link #LINES}, and those
     * refused while reading under {@link #FAILED}; for a job that parses each line in a step of its own
     * ({@link ParseJsonRecord#parseOrRefuse}, as {@link BatchCompress} does).
     */
    PTransform<PBegin, PCollectionTuple> spreadLines() {
        return new PTransform<>() {
            @Override
            public PCollectionTuple expand(PBegin begin) {
                return readSpreadLines(begin);
            }
        };
    }

    private PCollectionTuple readSpreadLines(PBegin begin) {
        PCollectionTuple lines = begin.apply(
                        "Match", FileIO.match().filepattern(glob).withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
                .apply("Open", FileIO.readMatches().withCompression(Compression.AUTO))
                .apply(
                        "Lines",
                        ParDo.of(new ReadJsonlLines(maxRecordBytes, LINES, FAILED))
                                .withOutputTags(LINES, TupleTagList.of(FAILED)));
        lines.get(LINES).setCoder(RawRecord.Coder.of());
        lines.get(FAILED).setCoder(DeadLetter.Coder.of());
        PCollection<RawRecord> spread = lines.get(LINES)
                .apply(
                        "Spread",
                        spreadBuckets == 0
                                ? Reshuffle.viaRandomKey()
                                : Reshuffle.<RawRecord>viaRandomKey().withNumBuckets(spreadBuckets));
        return PCollectionTuple.of(LINES, spread).and(FAILED, lines.get(FAILED));
    }
}
