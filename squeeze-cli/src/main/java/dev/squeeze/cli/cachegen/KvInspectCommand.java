package dev.squeeze.cli.cachegen;

import dev.squeeze.cachegen.CacheGenReader;
import dev.squeeze.cachegen.ChunkEntry;
import dev.squeeze.cachegen.ModelFingerprint;
import dev.squeeze.cachegen.StreamHeader;
import dev.squeeze.cli.JsonStrings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code squeeze kv inspect}: what a CacheGen stream holds; {@code --verify} checks every checksum. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "Print what a CacheGen stream holds. With --verify, every chunk checksum is checked and the exit code is",
            "non-zero on any damage (1 for a damaged chunk, 2 for a damaged or truncated header)."
        })
final class KvInspectCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "A CacheGen stream (from 'squeeze kv save').")
    Path file;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--verify", description = "Check every chunk's CRC32C; exit non-zero on damage.")
    boolean verify;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + " is not a readable file");
        PrintWriter out = spec.commandLine().getOut();
        try (CacheGenReader r = CacheGenReader.open(file)) {
            StreamHeader h = r.header();
            ModelFingerprint fp = h.fingerprint();
            long bytes = Files.size(file);
            long fp16 = 2L * 2 * fp.layers() * fp.kvDim() * h.tokens();
            List<String> damage = verify ? r.verify() : List.of();
            if (json) {
                String chunks = h.chunks().stream()
                        .map(c -> String.format(
                                Locale.ROOT,
                                "{\"firstToken\": %d, \"tokens\": %d, \"level\": %d, \"bytes\": %d}",
                                c.firstToken(),
                                c.tokenCount(),
                                c.level(),
                                c.length()))
                        .collect(Collectors.joining(", "));
                out.printf(
                        Locale.ROOT,
                        "{\"file\": \"%s\", \"version\": %d, \"bytes\": %d, \"fp16Bytes\": %d, \"fp32Bytes\": %d, \"ratioVsFp16\": %.4f, "
                                + "\"tokens\": %d, \"chunks\": %d, \"chunkTokens\": %d, \"headerBytes\": %d, \"levels\": %s, "
                                + "\"model\": {\"arch\": \"%s\", \"layers\": %d, \"kvHeads\": %d, \"headDim\": %d, \"dim\": %d, \"vocab\": %d, "
                                + "\"seqLen\": %d, \"dtype\": %d, \"sha256\": \"%s\"}, \"chunkList\": [%s]%s}%n",
                        esc(file.toString()),
                        StreamHeader.VERSION,
                        bytes,
                        fp16,
                        2 * fp16,
                        (double) fp16 / bytes,
                        h.tokens(),
                        h.chunks().size(),
                        h.chunkTokens(),
                        h.length(),
                        h.levels().keySet().stream().sorted().toList(),
                        esc(fp.arch()),
                        fp.layers(),
                        fp.kvHeads(),
                        fp.headDim(),
                        fp.dim(),
                        fp.vocab(),
                        fp.seqLen(),
                        fp.dtype(),
                        fp.hashHex(),
                        chunks,
                        verify
                                ? ", \"verified\": " + damage.isEmpty() + ", \"damage\": ["
                                        + damage.stream()
                                                .map(d -> "\"" + esc(d) + "\"")
                                                .collect(Collectors.joining(", "))
                                        + "]"
                                : "");
            } else {
                out.printf(
                        Locale.ROOT,
                        "file         %s%nversion      %d%nmodel        %s%ntokens       %d%nchunks       %d x up to %d tokens%n"
                                + "bytes        %d (header %d)%nfp16 bytes   %d (%.2fx larger)%nlevels       %s%n",
                        file,
                        StreamHeader.VERSION,
                        fp.describe(),
                        h.tokens(),
                        h.chunks().size(),
                        h.chunkTokens(),
                        bytes,
                        h.length(),
                        fp16,
                        (double) fp16 / bytes,
                        h.levels().values().stream()
                                .map(t -> t.level().toString())
                                .collect(Collectors.joining("; ")));
                for (int i = 0; i < h.chunks().size(); i++) {
                    ChunkEntry c = h.chunks().get(i);
                    out.printf(
                            Locale.ROOT,
                            "chunk %-5d  tokens [%d, %d)  level %d  %d bytes%n",
                            i,
                            c.firstToken(),
                            c.firstToken() + c.tokenCount(),
                            c.level(),
                            c.length());
                }
                if (verify)
                    out.println(damage.isEmpty() ? "verify       ok: every checksum matches" : "verify       DAMAGED");
            }
            out.flush();
            if (!damage.isEmpty()) {
                for (String d : damage) spec.commandLine().getErr().println("squeeze kv inspect: " + d);
                spec.commandLine().getErr().flush();
                return 1;
            }
        }
        return 0;
    }

    private static String esc(String s) {
        return JsonStrings.escape(s);
    }
}
