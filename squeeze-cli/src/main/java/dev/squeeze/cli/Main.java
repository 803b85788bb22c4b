package dev.squeeze.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code squeeze} command. Subcommands come from {@link SubcommandProvider}s. */
@Command(
        name = "squeeze",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Token compression for transformer inference.")
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line with every registered subcommand; {@code execute} it with the arguments. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (SubcommandProvider p : ServiceLoader.load(SubcommandProvider.class, Main.class.getClassLoader())) {
            for (Object sub : p.subcommands()) cl.addSubcommand(sub);
        }
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            // inputs are checked against stated limits first; this is the last resort, one line instead of a stack
            // trace
            System.err.println("squeeze: out of memory (" + e.getMessage() + ") with a heap limit of "
                    + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB; a limit check missed this input: please report it");
            code = 3;
        }
        System.exit(code);
    }

    /** {@code squeeze --version}: the POM's version, written into {@code version.properties} by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"squeeze " + projectVersion()};
        }

        static String projectVersion() {
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in == null)
                    throw new IllegalStateException(
                            "dev/squeeze/cli/version.properties is missing from the class path");
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Bad input becomes one clear line on stderr and exit code 2; anything unexpected gets exit code 1 and
     * its message (the stack trace only with SQUEEZE_DEBUG=1).
     */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
            boolean debug = "1".equals(System.getenv("SQUEEZE_DEBUG"));
            if (debug) ex.printStackTrace(cmd.getErr());
            if (ex instanceof IllegalArgumentException
                    || ex instanceof java.io.UncheckedIOException
                    || ex instanceof java.io.IOException
                    || ex instanceof IllegalStateException) {
                cmd.getErr().println("squeeze " + cmd.getCommandName() + ": " + ex.getMessage());
                return 2;
            }
            cmd.getErr().println("squeeze " + cmd.getCommandName() + ": internal error: " + ex);
            return 1;
        }
    }
}
