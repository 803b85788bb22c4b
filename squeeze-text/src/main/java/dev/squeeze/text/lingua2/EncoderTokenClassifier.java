package dev.squeeze.text.lingua2;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.encoder.EncoderModel;
import dev.squeeze.encoder.runtime.EncoderInput;
import dev.squeeze.encoder.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link TokenClassifier} over the Hugging Face files of {@code microsoft/llmlingua-2-*} (config.json,
 * model.safetensors, tokenizer.json, as downloaded), run by the pure-Java encoder of squeeze-encoder: no ONNX export and
 * no native library. Sequences are framed as the ONNX path frames them ([CLS] tokens [SEP], the suffix dropped when a
 * sequence fills the 512 positions) and run as one ragged batch. Thread-safe.
 */
public final class EncoderTokenClassifier implements TokenClassifier {
    private final EncoderModel model;
    private final HfTokenizer tok;
    private final SubwordScheme scheme;
    private final int cls, sep;

    private EncoderTokenClassifier(EncoderModel model, int cls, int sep) {
        this.model = model;
        this.tok = model.tokenizer();
        this.scheme =
                tok.model() == HfTokenizer.Model.WORDPIECE ? SubwordScheme.WORDPIECE : SubwordScheme.SENTENCEPIECE;
        this.cls = cls;
        this.sep = sep;
    }

    /** Loads a model folder; fails clearly when it is not a 2-label token classifier. */
    public static EncoderTokenClassifier load(Path dir, int threads) throws IOException {
        EncoderModel m = EncoderModel.loadFolder(dir, threads, KernelProvider.kernels());
        try {
            if (!m.encoder().hasClassifier() || m.config().numLabels() != 2) {
                throw new IllegalArgumentException(
                        dir + " is not a token classifier: expected classifier.weight of shape [2, "
                                + m.config().hidden() + "] (LLMLingua-2 keep/drop), found "
                                + (m.encoder().hasClassifier() ? m.config().numLabels() + " labels" : "no classifier"));
            }
            HfTokenizer t = m.tokenizer();
            int[] pre = t.prefixIds(), suf = t.suffixIds();
            boolean wp = t.model() == HfTokenizer.Model.WORDPIECE;
            int cls = pre.length == 1 ? pre[0] : t.id(wp ? "[CLS]" : "<s>");
            int sep = suf.length == 1 ? suf[0] : t.id(wp ? "[SEP]" : "</s>");
            if (cls < 0 || sep < 0)
                throw new IllegalArgumentException(
                        dir + "/tokenizer.json lacks " + (wp ? "[CLS] or [SEP]" : "<s> or </s>"));
            return new EncoderTokenClassifier(m, cls, sep);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    @Override
    public List<String> tokenize(String text) {
        return tok.tokenize(text);
    }

    @Override
    public float[][] keepProbabilities(List<List<String>> sequences) {
        int[][] ids = new int[sequences.size()][];
        for (int s = 0; s < ids.length; s++) {
            List<String> toks = sequences.get(s);
            boolean withSep = toks.size() + 2 <= maxSequenceLength();
            int[] row = new int[toks.size() + (withSep ? 2 : 1)];
            row[0] = cls;
            for (int i = 0; i < toks.size(); i++) {
                int id = tok.id(toks.get(i));
                row[i + 1] = id >= 0 ? id : tok.unknownId();
                if (row[i + 1] < 0)
                    throw new IllegalStateException("token '" + toks.get(i) + "' is not in the vocabulary");
            }
            if (withSep) row[row.length - 1] = sep;
            ids[s] = row;
        }
        float[] logits = model.encoder().classify(EncoderInput.of(ids)); // (tokens of all sequences, 2)
        float[][] out = new float[ids.length][];
        int row = 0;
        for (int s = 0; s < ids.length; s++) {
            float[] p = new float[sequences.get(s).size()];
            for (int i = 0; i < p.length; i++) {
                int r = row + i + 1;
                float a = logits[2 * r], b = logits[2 * r + 1];
                float m = Math.max(a, b);
                double ea = Math.exp(a - m), eb = Math.exp(b - m);
                p[i] = (float) (eb / (ea + eb));
            }
            out[s] = p;
            row += ids[s].length;
        }
        return out;
    }

    @Override
    public SubwordScheme scheme() {
        return scheme;
    }

    @Override
    public int maxSequenceLength() {
        return Math.min(512, model.config().maxSequenceLength());
    }

    @Override
    public void close() {
        model.close();
    }
}
