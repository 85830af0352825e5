package dev.switchboard.control.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The attach fast path against real processes: fresh JVMs, a JVM with attach disabled, and a non-JVM. */
class AttachListenerStartIT {
  private final List<Process> started = new ArrayList<>();
  private final java.util.Map<Process, StringBuffer> outputs = new java.util.concurrent.ConcurrentHashMap<>();

  private String output(Process p) {
    return outputs.get(p).toString();
  }

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process p : started) {
      p.destroy(); // SIGTERM: a JVM removes its attach socket on exit, SIGKILL would leave it in /tmp
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void startsTheListenerOfAFreshJvmAndAttachThenFindsItWithoutSignalling() throws Exception {
    Process jvm = idleJvm();
    long pid = jvm.pid();
    Path socket = Path.of("/proc", Long.toString(pid), "root", "tmp", ".java_pid" + pid);
    assertThat(socket).doesNotExist();

    long t0 = System.nanoTime();
    assertThat(AttachListenerStart.start(pid, 20_000).outcome()).isEqualTo(AttachListenerStart.Outcome.STARTED);
    System.out.printf("attach listener of a fresh JVM up %.1f ms after the fast path began%n", (System.nanoTime() - t0) / 1e6);
    assertThat(socket).exists();
    assertThat(triggers(pid)).as("trigger files left behind").isEmpty();

    VirtualMachine vm = VirtualMachine.attach(Long.toString(pid)); // finds the socket: no sleep, no signal
    try {
      assertThat(vm.getSystemProperties().getProperty("java.version")).isNotBlank();
    } finally {
      vm.detach();
    }
    assertThat(AttachListenerStart.start(pid, 20_000).outcome()).isEqualTo(AttachListenerStart.Outcome.ALREADY_LISTENING);
    assertThat(jvm.isAlive()).isTrue();
  }

  @Test
  void aJvmWithAttachDisabledIsRefusedAtOnceWithoutASignal() throws Exception {
    Process jvm = idleJvm("-XX:+DisableAttachMechanism");
    long pid = jvm.pid();
    long t0 = System.nanoTime();
    AttachListenerStart.Result r = AttachListenerStart.start(pid, 10_000);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.outcome()).isEqualTo(AttachListenerStart.Outcome.NOT_ATTACHABLE);
    assertThat(r.detail()).isNotBlank();
    assertThat(ms).as("refused by the attachability check, not after the 10 s listener timeout").isLessThan(9_000);
    assertThat(triggers(pid)).as("no trigger file created").isEmpty();
    Thread.sleep(300);
    assertThat(output(jvm)).as("no SIGQUIT, so no thread dump").doesNotContain("Full thread dump");

    dev.switchboard.control.ControlException e = org.junit.jupiter.api.Assertions.assertThrows(dev.switchboard.control.ControlException.class,
        () -> Attacher.loadAgent(pid, Path.of("/nonexistent.jar"), "", null));
    assertThat(e.code()).isEqualTo(dev.switchboard.control.ControlException.Code.ATTACH_REFUSED);
    assertThat(e.getMessage()).contains("DisableAttachMechanism");
    assertThat(jvm.isAlive()).isTrue();
  }

  @Test
  void aProcessThatDoesNotCatchSigquitIsRefusedAndNeverSignalled() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "120").start(); // SIGQUIT's default action would kill it
    started.add(sleeper);
    AttachListenerStart.Result r = AttachListenerStart.start(sleeper.pid(), 1_500);
    assertThat(r.outcome()).isEqualTo(AttachListenerStart.Outcome.NO_QUIT_HANDLER);
    assertThat(r.detail()).contains("does not catch SIGQUIT");
    // the whole attach refuses too (the JDK 17 Attach API alone would have sent SIGQUIT and killed it)
    dev.switchboard.control.ControlException e = org.junit.jupiter.api.Assertions.assertThrows(dev.switchboard.control.ControlException.class,
        () -> Attacher.loadAgent(sleeper.pid(), Path.of("/nonexistent.jar"), "", null));
    assertThat(e.code()).isEqualTo(dev.switchboard.control.ControlException.Code.ATTACH_REFUSED);
    Thread.sleep(300);
    assertThat(sleeper.isAlive()).as("sleep was not signalled").isTrue();
    assertThat(triggers(sleeper.pid())).isEmpty();
  }

  @Test
  void aProcessThatIsGoneIsNotTried() throws Exception {
    Process p = new ProcessBuilder("true").start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(AttachListenerStart.start(p.pid(), 1_000).outcome()).isEqualTo(AttachListenerStart.Outcome.NOT_TRIED);
  }

  private Process idleJvm(String... jvmArgs) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmArgs));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), IdleJvm.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    started.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("first line of the idle JVM").isEqualTo(IdleJvm.READY);
    StringBuffer lines = new StringBuffer();
    outputs.put(p, lines);
    Thread drain = new Thread(() -> out.lines().forEach(l -> lines.append(l).append('\n')), "drain-" + p.pid()); // thread dumps of SIGQUIT
    drain.setDaemon(true);
    drain.start();
    return p;
  }

  private static List<Path> triggers(long pid) throws Exception {
    List<Path> found = new ArrayList<>();
    for (Path dir : new Path[] {Path.of("/proc", Long.toString(pid), "cwd"), Path.of("/proc", Long.toString(pid), "root", "tmp")}) {
      Path f = dir.resolve(".attach_pid" + pid);
      if (Files.exists(f)) found.add(f);
    }
    return found;
  }

  /** A JVM that says it is ready and then idles. */
  public static final class IdleJvm {
    static final String READY = "IDLE-JVM-READY";

    public static void main(String[] args) throws InterruptedException {
      System.out.println(READY);
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }
}
