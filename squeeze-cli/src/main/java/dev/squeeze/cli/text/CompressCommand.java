package dev.squeeze.cli.text;

import dev.squeeze.cli.InputOptions;
import dev.squeeze.core.select.Budget;
import dev.squeeze.text.CompressionJson;
import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.ForcedContent;
import dev.squeeze.text.PromptCompressor;
import dev.squeeze.text.TokenEncoding;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code squeeze compress}: shortens a prompt or context to a token budget. */
@Command(
        name = "compress",
        mixinStandardHelpOptions = true,
        description = "Compress a prompt/context to a token budget (default method: semantic, offline).")
final class CompressCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ArgGroup(exclusive = true)
    BudgetOptions budget;

    /** --rate or --target-tokens: the two forms of a {@link Budget}. */
    static final class BudgetOptions {
        @Option(names = "--rate", description = "Compressed/original token ratio in (0, 1] (default 0.5).")
        Double rate;

        @Option(names = "--target-tokens", description = "Compressed size in tokens.")
        Integer targetTokens;
    }

    @Option(names = "--question", description = "The question the context must answer (query-aware compression).")
    String question;

    @Option(
            names = "--method",
            description = "Method name (default ${DEFAULT-VALUE}); see 'squeeze methods'.",
            defaultValue = CompressorRegistry.DEFAULT_METHOD)
    String method;

    @Option(
            names = "--encoding",
            description = "Token counting vocabulary: cl100k_base or o200k_base (default ${DEFAULT-VALUE}).",
            defaultValue = "cl100k_base")
    String encoding;

    @Option(
            names = "--keep",
            description =
                    "Content never dropped: comma list of numbers, urls, ids, entities, all, none (default ${DEFAULT-VALUE}).",
            defaultValue = "none")
    String keep;

    @Option(names = "--option", description = "Method option key=value (repeatable), e.g. model=/path/model.onnx.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(
            names = "--json",
            description = "Print one JSON object: compressed, originTokens, compressedTokens, rate, method, millis.")
    boolean json;

    @Parameters(index = "0", paramLabel = "FILE|-", description = "Input text file, or - for standard input.")
    String input;

    @CommandLine.Mixin
    InputOptions inputOptions = new InputOptions();

    @Override
    public Integer call() throws IOException {
        String text = inputOptions.readText(input);
        CompressionRequest.Builder b = CompressionRequest.builder(text)
                .encoding(TokenEncoding.parse(encoding))
                .forced(ForcedContent.parse(keep))
                .options(options)
                .question(question);
        if (budget != null && budget.targetTokens != null) b.targetTokens(budget.targetTokens);
        else b.rate(budget != null && budget.rate != null ? budget.rate : 0.5);
        CompressionRequest request = b.build(); // the builder turns --rate / --target-tokens into the request's Budget
        CompressorRegistry registry = CompressorRegistry.load();
        PromptCompressor compressor = options.isEmpty() ? registry.get(method) : registry.create(method, options);
        CompressionResult r = compressor.compress(request);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(CompressionJson.toJson(r));
        } else {
            out.println(r.compressed());
        }
        out.flush();
        return 0;
    }
}
