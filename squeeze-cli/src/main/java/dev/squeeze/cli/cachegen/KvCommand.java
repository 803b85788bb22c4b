package dev.squeeze.cli.cachegen;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code squeeze kv}: KV caches as CacheGen bitstreams. */
@Command(
        name = "kv",
        mixinStandardHelpOptions = true,
        subcommands = {KvSaveCommand.class, KvInspectCommand.class},
        description =
                "Store KV caches as compact CacheGen bitstreams (save, inspect); continue from one with 'squeeze generate --kv'.")
final class KvCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
