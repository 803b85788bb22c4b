package dev.squeeze.eval.text;

import dev.squeeze.core.data.SharedData;
import dev.squeeze.encoder.distill.StaticEmbeddings;
import dev.squeeze.text.semantic.StaticTokenEmbeddings;
import java.util.List;

/**
 * How well the shipped static embeddings alone find a paraphrased needle (development aid for the later fusion
 * method): every needle in the 4k-token haystack, sentences split at ". ", "! ", "? ", ranked by cosine with the
 * question; prints top-1/5/10 and the mean reciprocal rank of the needle's sentence, using the first {@code dims} PCA
 * dimensions (the needle's sentence is the piece that holds the answer and lies in the needle; PCA components are nested, so a prefix equals a lower --dims distillation up to the SIF weights, which
 * are the same). Arguments: {@code length=4000}.
 */
public final class StaticEmbeddingsRankMain {
    public static void main(String[] args) throws Exception {
        int length = args.length > 0 ? Integer.parseInt(args[0].substring(args[0].indexOf('=') + 1)) : 4000;
        StaticEmbeddings e = StaticTokenEmbeddings.miniLm();
        List<TextTasks.Example> ex =
                ParaphraseTask.examples(SharedData.require(""), ParaphraseTask.NEEDLES, new int[] {length}, 1000);
        for (int dims : new int[] {256, 128, 64}) {
            int top1 = 0, top5 = 0, top10 = 0, sentences = 0;
            double mrr = 0;
            for (int i = 0; i < ex.size(); i++) {
                String needle = ParaphraseTask.NEEDLES.get(i).sentence(),
                        answer = ParaphraseTask.NEEDLES.get(i).answer();
                String[] sents = ex.get(i).context().split("(?<=[.!?])\\s+");
                float[] q = prefix(e, ex.get(i).question(), dims);
                double target = Double.NEGATIVE_INFINITY;
                double[] scores = new double[sents.length];
                for (int s = 0; s < sents.length; s++) {
                    scores[s] = dot(q, prefix(e, sents[s], dims));
                    String piece = sents[s].strip();
                    if (piece.contains(answer) && (needle.contains(piece) || piece.contains(needle)))
                        target = scores[s];
                }
                if (target == Double.NEGATIVE_INFINITY)
                    throw new IllegalStateException("needle " + i + " not split out: " + needle);
                int rank = 1;
                for (double sc : scores) if (sc > target) rank++;
                top1 += rank <= 1 ? 1 : 0;
                top5 += rank <= 5 ? 1 : 0;
                top10 += rank <= 10 ? 1 : 0;
                mrr += 1.0 / rank;
                sentences += sents.length;
            }
            System.out.printf(
                    "dims %d, %d-token haystacks (%d sentences on average): needle sentence top-1 %d, top-5 %d, top-10 %d of %d, MRR %.3f%n",
                    dims, length, sentences / ex.size(), top1, top5, top10, ex.size(), mrr / ex.size());
        }
    }

    private static float[] prefix(StaticEmbeddings e, String text, int dims) {
        float[] v = new float[e.dims()];
        for (int id : e.tokenizer().encode(text, false).ids()) e.addTo(id, 1f, v, 0);
        double n = 0;
        for (int j = 0; j < dims; j++) n += v[j] * (double) v[j];
        float[] out = new float[dims];
        for (int j = 0; j < dims; j++) out[j] = (float) (v[j] / Math.sqrt(n + 1e-30));
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += a[j] * (double) b[j];
        return s;
    }
}
