package dev.squeeze.beam;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One input line as bytes, not yet decoded: decoding happens per record, so invalid UTF-8 is one record's failure
 * (with its bytes in the dead-letter output) instead of replacement characters or a failed job.
 *
 * <p>The byte array is shared, not copied; nobody modifies it.
 *
 * @param file  the input file
 * @param line  1-based line number
 * @param bytes the line without its terminator ({@code \n} or {@code \r\n})
 */
public record RawRecord(String file, long line, byte[] bytes) {
    public String origin() {
        return file + ":" + line;
    }

    /** Beam coder; deterministic. */
    public static final class Coder extends CustomCoder<RawRecord> {
        public static Coder of() {
            return new Coder();
        }

        @Override
        public void encode(RawRecord r, OutputStream out) throws IOException {
            StringUtf8Coder.of().encode(r.file(), out);
            VarLongCoder.of().encode(r.line(), out);
            ByteArrayCoder.of().encode(r.bytes(), out);
        }

        @Override
        public RawRecord decode(InputStream in) throws IOException {
            return new RawRecord(
                    StringUtf8Coder.of().decode(in),
                    VarLongCoder.of().decode(in),
                    ByteArrayCoder.of().decode(in));
        }

        @Override
        public void verifyDeterministic() {}
    }
}
