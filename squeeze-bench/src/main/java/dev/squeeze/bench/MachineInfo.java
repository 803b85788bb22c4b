package dev.squeeze.bench;

import dev.squeeze.core.kernel.KernelProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Describes the machine and the code version a benchmark ran on; stamped on every result row. */
final class MachineInfo {
    private MachineInfo() {}

    /** e.g. "AMD EPYC, 2 cores, Linux amd64, Java 25.0.3, kernels vector-512". */
    public static String describe() {
        return cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + ", Java " + Runtime.version() + ", kernels "
                + KernelProvider.kernels().name();
    }

    static String cpuModel() {
        Path p = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(p)) return "unknown CPU";
        try {
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                if (line.startsWith("model name"))
                    return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException e) {
            return "unknown CPU";
        }
        return "unknown CPU";
    }

    /** The git commit of the working directory (with "+dirty" when there are uncommitted changes), or "unknown". */
    public static String gitCommit() {
        String head = git("rev-parse", "--short=12", "HEAD");
        if (head == null) return "unknown";
        String status = git("status", "--porcelain", "--untracked-files=no");
        return status != null && !status.isBlank() ? head + "+dirty" : head;
    }

    private static String git(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
