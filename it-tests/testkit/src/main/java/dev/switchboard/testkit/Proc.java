package dev.switchboard.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process (an agent, a sample host, a bridge, a {@code ctl} call) whose merged output is kept, in memory
 * and in {@code <logDir>/<name>.log}, for waiting on lines, assertions and diagnosis.
 *
 * <p>The child starts without the caller's {@code SWITCHBOARD_*} environment variables (so a developer's settings
 * do not leak into what a test configures), except {@code SWITCHBOARD_TESTKIT}. Children still running when the
 * JVM stops (a timeout, Ctrl-C) are killed by a shutdown hook. Waits that fail throw {@link AssertionError}
 * with the last lines of output and the log file's path.
 */
public final class Proc implements AutoCloseable {
    /** Children still running; a shutdown hook stops them when this JVM is stopped. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }), "testkit-child-cleanup"));
    }

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Path log;
    private boolean outputEnded; // guarded by lines

    private Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        LIVE.add(process);
        Thread t = new Thread(this::pump, "output-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** Starts {@code command}; its output goes to {@code logDir/name.log}. */
    public static Proc start(String name, Path logDir, List<String> command) throws IOException {
        return start(name, logDir, command, Map.of());
    }

    /** As {@link #start(String, Path, List)} with extra environment variables (e.g. {@code MALLOC_ARENA_MAX}). */
    public static Proc start(String name, Path logDir, List<String> command, Map<String, String> env) throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_") && !k.equals("SWITCHBOARD_TESTKIT"));
        pb.environment().putAll(env);
        return new Proc(name, pb.start(), log);
    }

    /** The JVM flags of the integration tests' child JVMs: small heap, serial GC, C1 only (quick start). */
    public static final List<String> IT_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /** The {@code java} of this JVM with {@link #IT_FLAGS}, then {@code args}. */
    public static List<String> java(String... args) {
        return java(IT_FLAGS, args);
    }

    /** The {@code java} of this JVM, then {@code jvmFlags}, then {@code args}: a command for {@link #start}. */
    public static List<String> java(List<String> jvmFlags, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
                Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            synchronized (lines) {
                lines.add("[output closed: " + e + "]");
                lines.notifyAll();
            }
        } finally {
            synchronized (lines) {
                outputEnded = true;
                lines.notifyAll();
            }
        }
    }

    /** Waits until the process exited and all its output was read; returns the exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + ": still running after " + timeout + "; output (" + log + "):\n" + output());
        }
        synchronized (lines) {
            while (!outputEnded) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError(name + ": output not closed within " + timeout);
                lines.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
        return process.exitValue();
    }

    /** Waits for a line matching {@code regex}; returns its first group (or the line). */
    public String await(String regex, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Matcher m = p.matcher(lines.get(seen));
                    if (m.find()) return m.groupCount() > 0 ? m.group(1) : lines.get(seen);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && seen == lines.size())) {
                    throw new AssertionError(name + ": no line matching '" + regex + "' within " + timeout
                            + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; output (" + log + "):\n"
                            + output());
                }
                lines.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    /** Whether a line read so far contains {@code text}. */
    public boolean contains(String text) {
        synchronized (lines) {
            return lines.stream().anyMatch(l -> l.contains(text));
        }
    }

    /** The lines read so far that match {@code regex}. */
    public List<String> linesMatching(String regex) {
        Pattern p = Pattern.compile(regex);
        synchronized (lines) {
            return lines.stream().filter(l -> p.matcher(l).find()).toList();
        }
    }

    /** The last 80 lines read so far. */
    public String output() {
        synchronized (lines) {
            int from = Math.max(0, lines.size() - 80);
            return String.join("\n", lines.subList(from, lines.size()));
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL to the process and its descendants, no shutdown hooks. */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        LIVE.remove(process);
    }

    /** The exit code, once exited. */
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** SIGTERM; SIGKILL (with descendants) when still running after 5 s. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            LIVE.remove(process);
        }
    }
}
