package dev.squeeze.text.lingua2;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link TokenClassifier} over an ONNX export of {@code microsoft/llmlingua-2-*} (XLM-R large or mBERT) run
 * with ONNX Runtime on the CPU, tokenised with the model's {@code tokenizer.json} (DJL HF tokenizers). The model
 * must output logits of shape [batch, seq, 2]; anything else is rejected as "not a token classifier".
 * Thread-safe: an ORT session may be run concurrently.
 */
public final class OnnxTokenClassifier implements TokenClassifier {
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final SubwordScheme scheme;
    private final Map<String, Integer> vocab;
    private final int cls, sep;
    private final String outputName;
    private final boolean tokenTypes;

    private OnnxTokenClassifier(
            OrtSession session,
            String outputName,
            HuggingFaceTokenizer tokenizer,
            SubwordScheme scheme,
            Map<String, Integer> vocab,
            int cls,
            int sep) {
        this.session = session;
        this.outputName = outputName;
        this.tokenizer = tokenizer;
        this.scheme = scheme;
        this.vocab = vocab;
        this.cls = cls;
        this.sep = sep;
        this.tokenTypes = session.getInputNames().contains("token_type_ids");
    }

    /** Loads {@code model} (.onnx) and {@code tokenizerJson}; fails clearly when the model is not a 2-label token classifier. */
    public static OnnxTokenClassifier load(Path model, Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(model)) throw new IllegalArgumentException("model file not found: " + model);
        OrtSession session;
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            session = env.createSession(model.toString(), new OrtSession.SessionOptions());
        } catch (OrtException e) {
            throw new IllegalArgumentException(model + " is not a loadable ONNX model: " + e.getMessage());
        }
        String output;
        try {
            output = requireTokenClassifier(session, model.toString());
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
        if (!Files.isRegularFile(tokenizerJson)) {
            closeQuietly(session);
            throw new IllegalArgumentException("tokenizer.json not found: " + tokenizerJson);
        }
        JsonNode tj = new ObjectMapper().readTree(tokenizerJson.toFile());
        String type = tj.path("model").path("type").asText();
        SubwordScheme scheme;
        Map<String, Integer> vocab = new HashMap<>();
        JsonNode v = tj.path("model").path("vocab");
        switch (type) {
            case "WordPiece" -> {
                scheme = SubwordScheme.WORDPIECE;
                v.fields()
                        .forEachRemaining(
                                e -> vocab.put(e.getKey(), e.getValue().asInt()));
            }
            case "Unigram" -> {
                scheme = SubwordScheme.SENTENCEPIECE;
                for (int i = 0; i < v.size(); i++) vocab.put(v.get(i).get(0).asText(), i);
            }
            default -> {
                closeQuietly(session);
                throw new IllegalArgumentException(tokenizerJson + ": tokenizer model type '" + type
                        + "' is neither WordPiece (mBERT) nor Unigram (XLM-R)");
            }
        }
        for (JsonNode a : tj.path("added_tokens"))
            vocab.put(a.get("content").asText(), a.get("id").asInt());
        String clsTok = scheme == SubwordScheme.WORDPIECE ? "[CLS]" : "<s>";
        String sepTok = scheme == SubwordScheme.WORDPIECE ? "[SEP]" : "</s>";
        if (!vocab.containsKey(clsTok) || !vocab.containsKey(sepTok)) {
            closeQuietly(session);
            throw new IllegalArgumentException(tokenizerJson + " lacks " + clsTok + " or " + sepTok);
        }
        HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(
                tokenizerJson,
                Map.of(
                        "addSpecialTokens",
                        "false",
                        "truncation",
                        "false",
                        "padding",
                        "false",
                        "maxLength",
                        "1000000000"));
        return new OnnxTokenClassifier(session, output, tok, scheme, vocab, vocab.get(clsTok), vocab.get(sepTok));
    }

    /**
     * Checks the session outputs a [batch, seq, 2] tensor and returns its name; otherwise throws
     * IllegalArgumentException("... not a token classifier ...") naming the outputs found.
     */
    static String requireTokenClassifier(OrtSession session, String where) {
        StringBuilder found = new StringBuilder();
        try {
            for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo ti) {
                    long[] shape = ti.getShape();
                    if (shape.length == 3 && shape[2] == 2) return e.getKey();
                    found.append(found.isEmpty() ? "" : ", ").append(e.getKey()).append(Arrays.toString(shape));
                }
            }
        } catch (OrtException e) {
            throw new IllegalArgumentException(where + ": cannot read the model's outputs: " + e.getMessage());
        }
        throw new IllegalArgumentException(where + " is not a token classifier: expected an output of shape "
                + "[batch, seq, 2] (LLMLingua-2 keep/drop logits), found " + found);
    }

    @Override
    public List<String> tokenize(String text) {
        Encoding enc = tokenizer.encode(text, false, false);
        return Arrays.asList(enc.getTokens());
    }

    @Override
    public float[][] keepProbabilities(List<List<String>> sequences) {
        float[][] out = new float[sequences.size()][];
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (int s = 0; s < sequences.size(); s++) {
            List<String> toks = sequences.get(s);
            boolean withSep = toks.size() + 2 <= maxSequenceLength();
            int len = toks.size() + (withSep ? 2 : 1);
            long[][] ids = new long[1][len];
            long[][] mask = new long[1][len];
            ids[0][0] = cls;
            for (int i = 0; i < toks.size(); i++) {
                Integer id = vocab.get(toks.get(i));
                if (id == null) throw new IllegalStateException("token '" + toks.get(i) + "' is not in the vocabulary");
                ids[0][i + 1] = id;
            }
            if (withSep) ids[0][len - 1] = sep;
            Arrays.fill(mask[0], 1L);
            try (OnnxTensor ti = OnnxTensor.createTensor(env, ids);
                    OnnxTensor tm = OnnxTensor.createTensor(env, mask);
                    OnnxTensor tt = tokenTypes ? OnnxTensor.createTensor(env, new long[1][len]) : null) {
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put("input_ids", ti);
                in.put("attention_mask", tm);
                if (tt != null) in.put("token_type_ids", tt);
                try (OrtSession.Result r = session.run(in, java.util.Set.of(outputName))) {
                    float[][][] logits = (float[][][]) r.get(0).getValue(); // (1, len, 2)
                    float[] p = new float[toks.size()];
                    for (int i = 0; i < p.length; i++) {
                        float a = logits[0][i + 1][0], b = logits[0][i + 1][1];
                        float m = Math.max(a, b);
                        double ea = Math.exp(a - m), eb = Math.exp(b - m);
                        p[i] = (float) (eb / (ea + eb));
                    }
                    out[s] = p;
                }
            } catch (OrtException e) {
                throw new IllegalStateException(
                        "ONNX Runtime failed on a chunk of " + toks.size() + " tokens: " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public SubwordScheme scheme() {
        return scheme;
    }

    @Override
    public void close() {
        closeQuietly(session);
        tokenizer.close();
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException ignored) {
            // closing a session that failed validation: nothing more to report
        }
    }
}
