package dev.squeeze.encoder.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An ONNX TensorProto (an initializer or a Constant's value): name, element type, dims and its data, either raw_data
 * (little-endian) or the typed repeated field (float_data, int32_data, int64_data, packed or not), kept as a byte range
 * of the file until read.
 */
public final class OnnxTensor {
    static final int FLOAT = 1, INT32 = 6, INT64 = 7, FLOAT16 = 10, DOUBLE = 11, BFLOAT16 = 16;

    final String name;
    final int dataType;
    final long[] dims;
    private final byte[] buf;
    private final int rawFrom, rawTo; // raw_data range, or -1
    private final float[] floatData; // float_data, when given instead of raw
    private final long[] longData; // int32_data / int64_data, when given instead of raw
    private final String source;

    OnnxTensor(
            String name,
            int dataType,
            long[] dims,
            byte[] buf,
            int rawFrom,
            int rawTo,
            float[] floatData,
            long[] longData,
            String source) {
        this.name = name;
        this.dataType = dataType;
        this.dims = dims;
        this.buf = buf;
        this.rawFrom = rawFrom;
        this.rawTo = rawTo;
        this.floatData = floatData;
        this.longData = longData;
        this.source = source;
    }

    public String name() {
        return name;
    }

    public long[] dims() {
        return dims.clone();
    }

    long elements() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    private IOException error(String m) {
        return new IOException(source + ": tensor '" + name + "' " + Arrays.toString(dims) + ": " + m);
    }

    /** Elements as floats (FLOAT, or FLOAT16 / BFLOAT16 / DOUBLE converted). */
    public float[] floats() throws IOException {
        long n = elements();
        if (n > Integer.MAX_VALUE - 8) throw error("too many elements for a Java array");
        if (rawFrom >= 0) {
            int per = dataType == FLOAT
                    ? 4
                    : dataType == DOUBLE ? 8 : (dataType == FLOAT16 || dataType == BFLOAT16) ? 2 : -1;
            if (per < 0)
                throw error(
                        "data_type " + dataType + " is not a float type (1 FLOAT, 10 FLOAT16, 11 DOUBLE, 16 BFLOAT16)");
            if ((long) (rawTo - rawFrom) != n * per)
                throw error("raw_data holds " + (rawTo - rawFrom) + " bytes, dims need " + n * per);
            ByteBuffer bb =
                    ByteBuffer.wrap(buf, rawFrom, rawTo - rawFrom).slice().order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[(int) n];
            for (int i = 0; i < out.length; i++) {
                switch (dataType) {
                    case FLOAT:
                        out[i] = bb.getFloat(4 * i);
                        break;
                    case DOUBLE:
                        out[i] = (float) bb.getDouble(8 * i);
                        break;
                    case FLOAT16:
                        out[i] = dev.squeeze.encoder.io.Float16.toFloat(bb.getShort(2 * i));
                        break;
                    default:
                        out[i] = dev.squeeze.encoder.io.Float16.bf16ToFloat(bb.getShort(2 * i));
                        break;
                }
            }
            return out;
        }
        if (dataType != FLOAT || floatData == null)
            throw error("has no raw_data and no float_data (data_type " + dataType + ")");
        if (floatData.length != n) throw error("float_data holds " + floatData.length + " values, dims need " + n);
        return floatData.clone();
    }

    /** Elements as longs (INT64 or INT32), for shape constants. */
    public long[] longs() throws IOException {
        long n = elements();
        if (n > 1 << 20) throw error("too large for an integer constant");
        if (rawFrom >= 0) {
            int per = dataType == INT64 ? 8 : dataType == INT32 ? 4 : -1;
            if (per < 0) throw error("data_type " + dataType + " is not an integer type (6 INT32, 7 INT64)");
            if ((long) (rawTo - rawFrom) != n * per)
                throw error("raw_data holds " + (rawTo - rawFrom) + " bytes, dims need " + n * per);
            ByteBuffer bb =
                    ByteBuffer.wrap(buf, rawFrom, rawTo - rawFrom).slice().order(ByteOrder.LITTLE_ENDIAN);
            long[] out = new long[(int) n];
            for (int i = 0; i < out.length; i++) out[i] = per == 8 ? bb.getLong(8 * i) : bb.getInt(4 * i);
            return out;
        }
        if (longData == null || longData.length != n) throw error("has no integer data of " + n + " values");
        return longData.clone();
    }

    boolean isFloat() {
        return dataType == FLOAT || dataType == FLOAT16 || dataType == BFLOAT16 || dataType == DOUBLE;
    }
}
