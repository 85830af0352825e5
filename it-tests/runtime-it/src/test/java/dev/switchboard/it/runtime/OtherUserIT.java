package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testkit.Dist;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A process of another user holding the right token is still refused (SO_PEERCRED check), and
 * cannot attach. Runs the CLI as {@code nobody} through {@code setpriv}; needs root.
 */
class OtherUserIT {
  @Test
  void otherUserWithTheTokenIsRefusedAndCannotAttach() throws Exception {
    assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root to run a process as nobody");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv");
    Path dir = Files.createTempDirectory("sb-other-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    String arg = "controlDir=" + URLEncoder.encode(dir.toString(), StandardCharsets.UTF_8);
    try (HostProcess host = HostProcess.testMain(IdleHost.class, "-javaagent:" + Dist.runtime() + "=" + arg);
        HostProcess plain = HostProcess.testMain(IdleHost.class)) {
      // simulate a leaked token and a world-writable socket: only the uid check stands in the way
      Path sock = dir.resolve(host.pid() + ".sock");
      Path token = dir.resolve(host.pid() + ".token");
      Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw-rw-"));
      Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));

      Cli.Result r = asNobody("host", "status", "--pid", Long.toString(host.pid()), "--control-dir", dir.toString());
      System.out.println("status as nobody with the token:\n" + r);
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.stderr()).contains("UNAUTHORIZED").contains("peer user nobody is not the host's user root");
      host.await(l -> l.contains("refused connection") && l.contains("peer user nobody"), 10);

      Cli.Result a = asNobody("host", "activate", "--pid", Long.toString(plain.pid()), "--jar", Dist.runtime().toString(),
          "--plugin", "any", "--control-dir", dir.toString(), "--runtime-jar", Dist.runtime().toString());
      System.out.println("activate as nobody into a root host:\n" + a);
      assertThat(a.exit()).isEqualTo(1);
      assertThat(a.stderr()).contains("ATTACH_REFUSED").contains("runs as user root");
    } finally {
      try (var s = Files.list(dir)) {
        s.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(dir);
    }
  }

  @Test
  void socketPlantedByAnotherUserNeverReceivesTheToken() throws Exception {
    assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root to run a process as nobody");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/python3")), "needs setpriv and python3");
    Path dir = Files.createTempDirectory("sb-shared-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // a carelessly shared control dir
    try (HostProcess host = HostProcess.testMain(IdleHost.class)) {
      Path sock = dir.resolve(host.pid() + ".sock");
      Files.writeString(dir.resolve(host.pid() + ".token"), "ab".repeat(32));
      String server = "import socket,sys\n"
          + "s=socket.socket(socket.AF_UNIX)\ns.bind(sys.argv[1])\ns.listen(1)\nprint('LISTENING',flush=True)\n"
          + "c,_=s.accept()\nc.settimeout(5)\n"
          + "try:\n  d=c.recv(4096)\nexcept Exception:\n  d=b''\n"
          + "print('RECEIVED',len(d),flush=True)\n";
      Process impostor = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          "/usr/bin/python3", "-c", server, sock.toString()).redirectErrorStream(true).start();
      try {
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(impostor.getInputStream()));
        assertThat(out.readLine()).isEqualTo("LISTENING");
        Cli.Result r = Cli.run(dir, "host", "status", "--pid", Long.toString(host.pid()));
        System.out.println("status against a socket planted by nobody:\n" + r);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("UNAUTHORIZED").contains("served by user nobody").contains("token was not sent");
        assertThat(out.readLine()).isEqualTo("RECEIVED 0");
      } finally {
        impostor.destroyForcibly();
        impostor.waitFor(5, TimeUnit.SECONDS);
      }
    } finally {
      try (var s = Files.list(dir)) {
        s.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(dir);
    }
  }

  private static Cli.Result asNobody(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        Jdks.java17(), "-Djava.io.tmpdir=/tmp", "-jar", Dist.cli().toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("nobody-out", ".txt");
    Path err = Files.createTempFile("nobody-err", ".txt");
    try {
      Process p = new ProcessBuilder(cmd).directory(Path.of("/tmp").toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("CLI as nobody did not finish: " + cmd);
      }
      return new Cli.Result(p.exitValue(), Files.readString(out), Files.readString(err), 0);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
