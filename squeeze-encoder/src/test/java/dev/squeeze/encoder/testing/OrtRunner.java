package dev.squeeze.encoder.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** ONNX Runtime on a BERT export: padded (B, T) int64 ids and mask in, the first output (B, T, D) out. */
public final class OrtRunner implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    public OrtRunner(Path model, int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        this.session = env.createSession(model.toString(), o);
    }

    public float[][][] run(long[][] ids, long[][] mask) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", OnnxTensor.createTensor(env, ids));
            if (session.getInputNames().contains("attention_mask"))
                in.put("attention_mask", OnnxTensor.createTensor(env, mask));
            if (session.getInputNames().contains("token_type_ids"))
                in.put("token_type_ids", OnnxTensor.createTensor(env, new long[ids.length][ids[0].length]));
            try (OrtSession.Result r = session.run(in)) {
                return (float[][][]) r.get(0).getValue();
            }
        } finally {
            for (OnnxTensor t : in.values()) t.close();
        }
    }

    /** Right-padded batch of id rows: ids padded with {@code pad}, mask 1 on real tokens. */
    public float[][][] runPadded(int[][] rows, int pad) throws OrtException {
        int t = 0;
        for (int[] r : rows) t = Math.max(t, r.length);
        long[][] ids = new long[rows.length][t], mask = new long[rows.length][t];
        for (int b = 0; b < rows.length; b++) {
            java.util.Arrays.fill(ids[b], pad);
            for (int i = 0; i < rows[b].length; i++) {
                ids[b][i] = rows[b][i];
                mask[b][i] = 1;
            }
        }
        return run(ids, mask);
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
