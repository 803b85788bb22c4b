package dev.squeeze.eval.llm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine is around a timed run, from Linux's /proc: the 1-minute load average, and the CPU time
 * other processes used during the run (all busy CPU time minus this JVM's and the given child's), in cores.
 * A quiet machine shows {@code otherCores} near 0. Elsewhere the figures are NaN.
 */
public final class MachineLoad {
    private final double loadAverage;
    private final long busyTicks; // all CPUs, user + nice + system + irq + softirq + steal
    private final long ownTicks; // this process and the child: utime + stime
    private final long nanos;

    private MachineLoad(double loadAverage, long busyTicks, long ownTicks, long nanos) {
        this.loadAverage = loadAverage;
        this.busyTicks = busyTicks;
        this.ownTicks = ownTicks;
        this.nanos = nanos;
    }

    /** A snapshot now; {@code childPid} is a process of ours whose CPU is not "other" (or -1). */
    public static MachineLoad now(long childPid) {
        return new MachineLoad(
                readLoadAverage(),
                busyTicks(),
                processTicks(ProcessHandle.current().pid()) + processTicks(childPid),
                System.nanoTime());
    }

    /** 1-minute load average at this snapshot. */
    public double loadAverage() {
        return loadAverage;
    }

    /** Cores' worth of CPU used by other processes between {@code start} and this snapshot. */
    public double otherCoresSince(MachineLoad start) {
        if (busyTicks < 0 || start.busyTicks < 0) return Double.NaN;
        double seconds = (nanos - start.nanos) / 1e9;
        long others = (busyTicks - start.busyTicks) - (ownTicks - start.ownTicks);
        return seconds <= 0 ? Double.NaN : Math.max(0, others) / (double) TICKS_PER_SECOND / seconds;
    }

    /** USER_HZ, 100 on every Linux configuration in use. */
    private static final int TICKS_PER_SECOND = 100;

    private static double readLoadAverage() {
        try {
            return Double.parseDouble(
                    Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static long busyTicks() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (!line.startsWith("cpu ")) continue;
                String[] f = line.trim().split("\\s+");
                // cpu user nice system idle iowait irq softirq steal ...
                long busy = 0;
                for (int i : new int[] {1, 2, 3, 6, 7, 8}) if (i < f.length) busy += Long.parseLong(f[i]);
                return busy;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static long processTicks(long pid) {
        if (pid < 0) return 0;
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split("\\s+");
            // fields after "(comm)": state(0) ... utime(11) stime(12)
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
