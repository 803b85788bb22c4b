package dev.squeeze.encoder.weights;

import dev.squeeze.encoder.Architecture;
import dev.squeeze.encoder.EncoderConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an encoder's weights by their Hugging Face names and checks every shape against the config. BERT, RoBERTa and
 * XLM-R: {@code [bert.|roberta.]embeddings.*}, {@code encoder.layer.N.attention.self.{query,key,value}},
 * {@code attention.output.{dense,LayerNorm}}, {@code intermediate.dense}, {@code output.{dense,LayerNorm}}; DistilBERT:
 * {@code distilbert.embeddings.*}, {@code transformer.layer.N.attention.{q,k,v,out}_lin}, {@code sa_layer_norm},
 * {@code ffn.lin1}, {@code ffn.lin2}, {@code output_layer_norm}. The model prefix is found from the word embeddings;
 * LayerNorm gamma/beta (old TF conversions) are accepted for weight/bias; {@code classifier.{weight,bias}} is the
 * token-classification head when present.
 */
public final class WeightAssembler {
    private final EncoderConfig c;
    private final TensorSource src;
    private final String prefix;

    private WeightAssembler(EncoderConfig c, TensorSource src, String prefix) {
        this.c = c;
        this.src = src;
        this.prefix = prefix;
    }

    /** The weights of {@code config} from {@code src}; the config's numLabels is checked against the classifier found. */
    public static EncoderWeights assemble(EncoderConfig config, TensorSource src) throws IOException {
        String word = "embeddings.word_embeddings.weight";
        String prefix = null;
        for (String p : new String[] {"", "bert.", "roberta.", "distilbert.", "model."}) {
            if (src.names().contains(p + word)) {
                prefix = p;
                break;
            }
        }
        if (prefix == null) {
            throw new IOException(src.describe() + ": no word embeddings ('" + word
                    + "' with or without a bert./roberta./distilbert. prefix); " + "tensors start with " + sample(src));
        }
        return new WeightAssembler(config, src, prefix).weights();
    }

    private EncoderWeights weights() throws IOException {
        int d = c.hidden(), f = c.intermediate();
        float[] word = read(prefix + "embeddings.word_embeddings.weight", c.vocabSize(), d);
        float[] pos = read(prefix + "embeddings.position_embeddings.weight", c.maxPositions(), d);
        float[] type = c.typeVocabSize() > 0
                ? read(prefix + "embeddings.token_type_embeddings.weight", c.typeVocabSize(), d)
                : null;
        float[] lnG = norm(prefix + "embeddings.LayerNorm", "weight", d),
                lnB = norm(prefix + "embeddings.LayerNorm", "bias", d);
        List<LayerWeights> layers = new ArrayList<>();
        boolean distil = c.architecture() == Architecture.DISTILBERT;
        for (int l = 0; l < c.layers(); l++) {
            String p = prefix + (distil ? "transformer.layer." : "encoder.layer.") + l + ".";
            String q = distil ? p + "attention.q_lin" : p + "attention.self.query";
            String k = distil ? p + "attention.k_lin" : p + "attention.self.key";
            String v = distil ? p + "attention.v_lin" : p + "attention.self.value";
            String o = distil ? p + "attention.out_lin" : p + "attention.output.dense";
            String ln1 = distil ? p + "sa_layer_norm" : p + "attention.output.LayerNorm";
            String up = distil ? p + "ffn.lin1" : p + "intermediate.dense";
            String down = distil ? p + "ffn.lin2" : p + "output.dense";
            String ln2 = distil ? p + "output_layer_norm" : p + "output.LayerNorm";
            float[] qkvW = concat(read(q + ".weight", d, d), read(k + ".weight", d, d), read(v + ".weight", d, d));
            float[] qkvB = concat(read(q + ".bias", d), read(k + ".bias", d), read(v + ".bias", d));
            layers.add(new LayerWeights(
                    qkvW,
                    qkvB,
                    read(o + ".weight", d, d),
                    read(o + ".bias", d),
                    norm(ln1, "weight", d),
                    norm(ln1, "bias", d),
                    read(up + ".weight", f, d),
                    read(up + ".bias", f),
                    read(down + ".weight", d, f),
                    read(down + ".bias", d),
                    norm(ln2, "weight", d),
                    norm(ln2, "bias", d)));
        }
        float[] cw = null, cb = null;
        if (src.names().contains("classifier.weight")) {
            long[] s = src.shape("classifier.weight");
            if (s.length != 2 || s[1] != d) {
                throw new IOException(src.describe() + ": tensor 'classifier.weight' has shape " + Arrays.toString(s)
                        + ", expected [labels, " + d + "]");
            }
            if (c.numLabels() > 0 && s[0] != c.numLabels()) {
                throw new IOException(src.describe() + ": tensor 'classifier.weight' has " + s[0]
                        + " rows but config.json gives " + c.numLabels() + " labels (id2label)");
            }
            cw = read("classifier.weight", s[0], d);
            cb = read("classifier.bias", s[0]);
        }
        return new EncoderWeights(word, pos, type, lnG, lnB, layers, cw, cb);
    }

    private float[] norm(String base, String part, int d) throws IOException {
        String name = base + "." + part;
        if (!src.names().contains(name)) {
            String old = base + "." + (part.equals("weight") ? "gamma" : "beta");
            if (src.names().contains(old)) name = old;
        }
        return read(name, d);
    }

    private float[] read(String name, long... shape) throws IOException {
        long[] s = src.shape(name);
        if (s == null)
            throw new IOException(src.describe() + ": tensor '" + name + "' is missing (expected shape "
                    + Arrays.toString(shape) + ")");
        if (!Arrays.equals(s, shape)) {
            throw new IOException(src.describe() + ": tensor '" + name + "' has shape " + Arrays.toString(s)
                    + " but the config needs " + Arrays.toString(shape));
        }
        return src.read(name);
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    private static String sample(TensorSource src) {
        List<String> names = new ArrayList<>(src.names());
        return names.subList(0, Math.min(4, names.size())).toString();
    }
}
