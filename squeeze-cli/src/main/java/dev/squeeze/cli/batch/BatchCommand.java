package dev.squeeze.cli.batch;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code squeeze batch}: corpus-scale jobs on Apache Beam. */
@Command(
        name = "batch",
        mixinStandardHelpOptions = true,
        subcommands = {BatchCompressCommand.class, BatchKvCommand.class},
        description =
                "Corpus-scale jobs on Apache Beam (DirectRunner here; Spark or Flink through the job jar, docs/BATCH.md).")
final class BatchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
