package dev.switchboard.testkit.internal;

import dev.switchboard.testkit.TestkitException;
import dev.switchboard.testkit.TestkitException.Code;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A server run as a local child process; signals are sent to its pid. Data lives in {@code workDir}. */
public final class LocalProcessBackend implements Backend {

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path workDir;
    private final Path logFile;
    private final boolean keepData;
    private volatile Process process;

    public LocalProcessBackend(String name, List<String> command, Map<String, String> environment, Path workDir,
                               boolean keepData) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.workDir = workDir;
        this.logFile = workDir.resolve(name + ".log");
        this.keepData = keepData;
    }

    @Override
    public synchronized void launch() {
        try {
            Files.createDirectories(workDir);
            Files.writeString(logFile, "=== testkit: launch " + name + " at " + Instant.now() + ": " + command + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            Reaper.register(this);
        } catch (IOException e) {
            throw new TestkitException(Code.START_FAILED, name + ": cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void terminate() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!waitFor(p, 30)) {
            System.err.println("testkit: " + name + " ignored SIGTERM for 30 s; killing it");
            p.destroyForcibly();
            waitFor(p, 30);
        }
    }

    @Override
    public void kill() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroyForcibly();
        if (!waitFor(p, 30)) {
            throw new TestkitException(Code.CONTROL_FAILED, name + ": pid " + p.pid() + " still alive 30 s after SIGKILL");
        }
    }

    @Override
    public void suspend() {
        signal("STOP");
    }

    @Override
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            throw new TestkitException(Code.ILLEGAL_STATE, name + ": no live process to send SIG" + signal + " to");
        }
        try {
            Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + p.pid())
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new TestkitException(Code.CONTROL_FAILED,
                        name + ": kill -" + signal + " " + p.pid() + " failed: " + output.trim());
            }
        } catch (IOException e) {
            throw new TestkitException(Code.CONTROL_FAILED, name + ": cannot send SIG" + signal + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException(Code.CONTROL_FAILED, name + ": interrupted sending SIG" + signal, e);
        }
    }

    @Override
    public boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    @Override
    public String logTail(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "(no log yet)";
            }
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    @Override
    public String describe() {
        Process p = process;
        return name + " pid " + (p == null ? "-" : p.pid()) + ", log " + logFile;
    }

    @Override
    public void destroy() {
        Process p = process;
        if (p != null && p.isAlive()) {
            resumeQuietly();
            p.destroyForcibly();
            waitFor(p, 30);
        }
        Reaper.unregister(this);
        if (!keepData) {
            deleteTree(workDir);
            try {
                Files.deleteIfExists(workDir.getParent()); // the group's temp root, once its last member is gone
            } catch (IOException e) {
                // other members still use it
            }
        }
    }

    private void resumeQuietly() {
        try {
            signal("CONT");
        } catch (TestkitException e) {
            // the process may have exited meanwhile; SIGKILL follows anyway
        }
    }

    private static boolean waitFor(Process p, long seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    System.err.println("testkit: cannot delete " + path + ": " + e);
                }
            });
        } catch (IOException e) {
            System.err.println("testkit: cannot delete " + dir + ": " + e);
        }
    }
}
