package dev.switchboard.sidecar.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.control.ControlException;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.sidecar.testing.FakeConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostSupervisorTest {
  @TempDir Path tmp;

  @Test
  void aPidFileIsReadOnEveryLookupAndDeadOrGarbagePidsAreNamed() throws Exception {
    Path f = tmp.resolve("app.pid");
    HostLocator l = HostLocator.pidFile(f);
    assertThatThrownBy(l::locate).isInstanceOf(HostException.class).hasMessageContaining("cannot read host.pidFile");
    Files.writeString(f, "not-a-pid\n");
    assertThatThrownBy(l::locate).hasMessageContaining("does not hold a pid: 'not-a-pid'");
    Files.writeString(f, ProcessHandle.current().pid() + "\n");
    assertThat(l.locate()).isEqualTo(ProcessHandle.current().pid());
    Files.writeString(f, "999999999");
    assertThatThrownBy(l::locate).hasMessageContaining("no live process for pid 999999999");
    assertThatThrownBy(() -> HostLocator.pid(0)).hasMessageContaining("host.pid <= 0: 0");
  }

  @Test
  void matchFindsExactlyOneOtherJvmByItsCommandLine() throws Exception {
    String marker = "SupervisorTestHost" + System.nanoTime();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dmarker=" + marker, "-cp", System.getProperty("java.class.path"), Sleeper.class.getName()).start();
    try {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> HostLocator.match(marker).locate() == p.pid());
      assertThatThrownBy(() -> HostLocator.match("no-such-jvm-" + System.nanoTime()).locate())
          .hasMessageContaining("no JVM matches host.match");
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theSupervisorRetriesUntilTheHostIsThereAndAttachesAgainAfterTheConnectionDrops() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<FakeConnection> made = new CopyOnWriteArrayList<>();
    List<String> events = new CopyOnWriteArrayList<>();
    HostLocator self = HostLocator.pid(ProcessHandle.current().pid());
    try (HostSupervisor s = new HostSupervisor(self, pid -> {
          if (calls.incrementAndGet() <= 2) throw new ControlException(ControlException.Code.TIMEOUT, "runtime not ready");
          FakeConnection c = new FakeConnection();
          made.add(c);
          return c;
        }, new HostSupervisor.Listener() {
          @Override public void attached(RuntimeConnection c) { events.add("attached"); }
          @Override public void detached(RuntimeConnection c, Throwable cause) { events.add("detached"); }
          @Override public void problem(String reason) { events.add("problem " + reason); }
        }, Duration.ofMillis(10), Duration.ofMillis(50))) {
      s.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> s.connection() != null);
      assertThat(events).startsWith("problem TIMEOUT: runtime not ready", "problem TIMEOUT: runtime not ready", "attached");
      made.get(0).close(); // the host side went away
      await().atMost(Duration.ofSeconds(10)).until(() -> made.size() == 2 && s.connection() == made.get(1));
      assertThat(events).containsSubsequence("attached", "detached", "attached");
    }
    assertThat(made.get(1).isOpen()).as("closing the supervisor closes the connection (plugins keep running)").isFalse();
  }

  /** A JVM that just waits (a stand-in host for the match locator). */
  public static final class Sleeper {
    public static void main(String[] args) throws Exception {
      Thread.sleep(60_000);
    }
  }
}
