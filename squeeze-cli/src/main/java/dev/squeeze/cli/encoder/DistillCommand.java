package dev.squeeze.cli.encoder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.squeeze.encoder.distill.Model2VecDistiller;
import dev.squeeze.encoder.distill.StaticEmbeddings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code squeeze distill}: Model2Vec static token embeddings from a sentence encoder, as a squeeze static-embeddings file. */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        description =
                "Distil static token embeddings (Model2Vec: every vocabulary entry alone through the encoder as "
                        + "[CLS] entry [SEP], mean-pooled, PCA, SIF/Zipf weighting) from a sentence encoder: a Hugging Face folder "
                        + "or an .onnx export with its tokenizer.json. The shipped squeeze-text resource is made with: squeeze distill "
                        + "--model all-minilm-l6-v2.onnx --tokenizer all-minilm-l6-v2-tokenizer.json --out all-minilm-l6-v2.m2v.sqse")
public final class DistillCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "Hugging Face model folder, or an .onnx file.")
    Path model;

    @Option(
            names = "--tokenizer",
            description = "tokenizer.json (default: the folder's, or the one beside the .onnx file).")
    Path tokenizer;

    @Option(names = "--out", required = true, description = "Output file.")
    Path out;

    @Option(names = "--dims", defaultValue = "256", description = "PCA dimensions (default 256, Model2Vec's).")
    int dims;

    @Option(names = "--sif", defaultValue = "1e-4", description = "SIF coefficient (default 1e-4, Model2Vec's).")
    double sif;

    @Option(names = "--threads", defaultValue = "0", description = "Encoder threads (default: all processors).")
    int threads;

    @Option(
            names = "--name",
            description = "Name of the source model recorded in the file's metadata (default: the path's file name).")
    String name;

    @Override
    public Integer call() throws Exception {
        boolean folder = Files.isDirectory(model);
        Path tok = tokenizer != null
                ? tokenizer
                : folder ? model.resolve("tokenizer.json") : model.resolveSibling("tokenizer.json");
        if (!folder && !Files.isRegularFile(model))
            throw new IllegalArgumentException("--model " + model + " is neither a folder nor a file");
        if (!Files.isRegularFile(tok))
            throw new IllegalArgumentException("tokenizer.json not found at " + tok + " (give --tokenizer)");
        if (dims < 1) throw new IllegalArgumentException("--dims must be >= 1, got " + dims);
        if (!(sif > 0 && sif < 1)) throw new IllegalArgumentException("--sif must be in (0, 1), got " + sif);
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        Path weights = folder ? model.resolve("model.safetensors") : model;
        ObjectNode source = new ObjectMapper().createObjectNode();
        source.put("name", name != null ? name : model.getFileName().toString());
        if (Files.isRegularFile(weights)) source.put("weightsSha256", sha256(weights));
        source.put("tokenizerSha256", sha256(tok));
        Model2VecDistiller.Settings s = new Model2VecDistiller.Settings(
                dims, sif, Model2VecDistiller.Settings.reference().removePattern());
        long t0 = System.nanoTime();
        int[] last = {0};
        StaticEmbeddings e = Model2VecDistiller.distill(model, tok, t, s, source, done -> {
            if (done - last[0] >= 4096) {
                last[0] = done;
                spec.commandLine().getErr().printf("distill: %d entries embedded%n", done);
            }
        });
        Files.write(out, e.toBytes());
        spec.commandLine()
                .getOut()
                .printf(
                        "wrote %s: %d entries x %d dims (%d bytes, PCA keeps %.1f%% of the variance) in %.1f s%n",
                        out,
                        e.metadata().path("vocabulary").asInt(),
                        e.dims(),
                        Files.size(out),
                        100 * e.pca().explained(),
                        (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
