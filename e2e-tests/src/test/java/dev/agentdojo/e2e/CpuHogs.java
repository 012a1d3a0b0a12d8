package dev.agentdojo.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Busy processes ({@code yes > /dev/null}) that keep the machine's cores loaded while a test runs, as
 * other work does on a shared machine. Closing ends them (by their own PIDs).
 */
final class CpuHogs implements AutoCloseable {

    private final List<Process> hogs = new ArrayList<>();

    private CpuHogs(int count) {
        try {
            for (int i = 0; i < count; i++) {
                hogs.add(new ProcessBuilder("yes").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectErrorStream(true).start());
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    /** One hog per core of this machine. */
    static CpuHogs onEveryCore() {
        return new CpuHogs(Runtime.getRuntime().availableProcessors());
    }

    int count() {
        return (int) hogs.stream().filter(Process::isAlive).count();
    }

    @Override
    public void close() {
        for (Process hog : hogs) {
            hog.destroyForcibly();
            try {
                hog.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
