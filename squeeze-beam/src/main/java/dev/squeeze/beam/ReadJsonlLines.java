package dev.squeeze.beam;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Each matched file (decompressed by its extension, e.g. {@code .gz}) to its lines as {@link RawRecord}s; a line over
 * the record limit goes straight to the dead-letter output with its length and SHA-256. Counts {@code records_in}.
 */
final class ReadJsonlLines extends DoFn<FileIO.ReadableFile, RawRecord> {
    private final int maxRecordBytes;
    private final TupleTag<RawRecord> lines;
    private final TupleTag<DeadLetter> failed;
    private final Counter in = BatchMetrics.counter(BatchMetrics.RECORDS_IN);
    private final Counter failures = BatchMetrics.counter(BatchMetrics.RECORDS_FAILED);

    ReadJsonlLines(int maxRecordBytes, TupleTag<RawRecord> lines, TupleTag<DeadLetter> failed) {
        new LineReader(maxRecordBytes); // checks the limit at construction
        this.maxRecordBytes = maxRecordBytes;
        this.lines = lines;
        this.failed = failed;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) throws IOException {
        String name = file.getMetadata().resourceId().toString();
        try (InputStream stream = Channels.newInputStream(file.open())) {
            new LineReader(maxRecordBytes).read(stream, new LineReader.Sink() {
                @Override
                public void line(long number, byte[] bytes) {
                    in.inc();
                    out.get(lines).output(new RawRecord(name, number, bytes));
                }

                @Override
                public void tooLong(long number, long length, byte[] sha256) {
                    in.inc();
                    failures.inc();
                    out.get(failed)
                            .output(DeadLetter.digested(
                                    name + ":" + number,
                                    DeadLetter.READ,
                                    "record is " + length + " bytes, over the limit of " + maxRecordBytes
                                            + " bytes per record (maxRecordBytes)",
                                    length,
                                    sha256));
                }
            });
        }
    }
}
