package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.control.ControlException;
import dev.switchboard.control.RuntimeClient;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.testkit.Dist;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bootstrap against real, separately started host JVMs that know nothing of Switchboard. */
class RuntimeIsolationIT {
  @TempDir Path controlDir;

  private RuntimeClient client() {
    return RuntimeClient.builder().controlDir(controlDir).runtimeJar(Dist.runtime()).timeout(Duration.ofSeconds(60)).build();
  }

  private static void probe(HostProcess host, String className, String expected) throws Exception {
    host.send("probe " + className);
    host.await(l -> l.equals(expected + " " + className), 10);
  }

  @Test
  void hostClassesCannotSeeTheRuntimeOrItsLibrariesAndSecondAttachStartsNothing() throws Exception {
    try (HostProcess host = HostProcess.testMain(IdleHost.class)) {
      probe(host, "dev.switchboard.api.Plugin", "CNFE"); // before: the host has no plugin API
      long t0 = System.nanoTime();
      try (RuntimeConnection c = client().connect(host.pid())) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("attach + runtime ready (JDK 17 host without plugin API): " + ms + " ms (injectedIn " + c.injectedIn().orElseThrow().toMillis() + " ms)");
        assertThat(c.injectedIn()).isPresent();
        assertThat(c.info().hostPid()).isEqualTo(host.pid());
        assertThat(c.status().get(10, TimeUnit.SECONDS)).isEmpty();
      }
      Path sock = controlDir.resolve(host.pid() + ".sock");
      Path token = controlDir.resolve(host.pid() + ".token");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-------");
      assertThat(Files.readString(token)).matches("[0-9a-f]{64}");

      // the runtime made the plugin API available; the bootstrap is visible (by design, it is tiny);
      // nothing else of the runtime is
      probe(host, "dev.switchboard.api.Plugin", "FOUND");
      probe(host, "dev.switchboard.runtime.boot.Boot", "FOUND");
      probe(host, "dev.switchboard.runtime.plugin.PluginManager", "CNFE");
      probe(host, "dev.switchboard.runtime.control.RuntimeEntry", "CNFE");
      probe(host, "dev.switchboard.control.RuntimeInfo", "CNFE");
      probe(host, "dev.switchboard.control.internal.Json", "CNFE");
      probe(host, "com.fasterxml.jackson.databind.ObjectMapper", "CNFE");
      probe(host, "com.networknt.schema.JsonSchemaFactory", "CNFE");

      // second attach while the runtime runs: its socket files were removed from outside
      String tokenBefore = Files.readString(token);
      Files.delete(sock);
      Files.delete(token);
      try (RuntimeConnection c = client().connect(host.pid())) {
        assertThat(c.injectedIn()).isPresent(); // attached again ...
      }
      host.await(l -> l.contains("already running"), 10); // ... but found the running runtime
      assertThat(host.lines.stream().filter(l -> l.contains("started via agentmain")).count()).isEqualTo(1);
      assertThat(Files.readString(token)).isEqualTo(tokenBefore); // same injection, same token
      // and a third connect re-adopts without attaching
      try (RuntimeConnection c = client().connect(host.pid())) {
        assertThat(c.injectedIn()).isEmpty();
      }
    }
  }

  @Test
  void runtimeJarHoldsOnlyTheBootstrapAtTopLevel() throws Exception {
    java.util.List<String> topLevel = new java.util.ArrayList<>();
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Dist.runtime().toFile())) {
      java.util.jar.Attributes main = jar.getManifest().getMainAttributes();
      assertThat(main.getValue("Agent-Class")).isEqualTo("dev.switchboard.runtime.boot.Boot");
      assertThat(main.getValue("Premain-Class")).isEqualTo("dev.switchboard.runtime.boot.Boot");
      jar.stream().filter(e -> !e.isDirectory()).forEach(e -> topLevel.add(e.getName()));
    }
    assertThat(topLevel).contains("META-INF/switchboard/runtime-impl.jar", "META-INF/switchboard/plugin-api.jar");
    assertThat(topLevel).allSatisfy(n -> assertThat(n).matches("META-INF/MANIFEST\\.MF|META-INF/switchboard/[a-z-]+\\.jar|dev/switchboard/runtime/boot/[A-Za-z$]+\\.class"));
  }

  @Test
  void jdkWithoutTheAttachModuleGivesAClearError(@TempDir Path image) throws Exception {
    Path jre = image.resolve("jre");
    Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
    Process p = new ProcessBuilder(jlink.toString(), "--add-modules", "java.base,java.logging,jdk.net", "--output", jre.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    Process cli = new ProcessBuilder(jre.resolve("bin/java").toString(), "-jar", Dist.cli().toString(), "host", "activate",
        "--pid", Long.toString(ProcessHandle.current().pid()), "--jar", Dist.runtime().toString(), "--plugin", "any",
        "--control-dir", controlDir.toString()).redirectErrorStream(true).start();
    String text = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
    System.out.println("CLI on a Java runtime without jdk.attach: exit " + cli.exitValue() + "\n" + text);
    assertThat(cli.exitValue()).isEqualTo(1);
    assertThat(text).contains("ATTACH_UNAVAILABLE").contains("no jdk.attach module");
  }

  @Test
  void javaagentStartsTheRuntimeAtLaunchAndTheCliAdoptsIt() throws Exception {
    String arg = "controlDir=" + URLEncoder.encode(controlDir.toString(), StandardCharsets.UTF_8);
    try (HostProcess host = HostProcess.testMain(IdleHost.class, "-javaagent:" + Dist.runtime() + "=" + arg)) {
      assertThat(host.output()).contains("started via premain");
      Cli.Result r = Cli.run(controlDir, "host", "status", "--pid", Long.toString(host.pid()));
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.stdout()).contains("runtime 0.1.0").contains("(no plugins)");
      Cli.Result list = Cli.run(controlDir, "host", "list");
      assertThat(list.exit()).as(list.toString()).isZero();
      assertThat(list.stdout()).containsPattern(host.pid() + " .*attached \\(runtime");
    }
  }

  @Test
  void sampleHostWithJavaagentDeclaresItsExportsAfterPremain() throws Exception {
    String arg = "controlDir=" + URLEncoder.encode(controlDir.toString(), StandardCharsets.UTF_8);
    try (HostProcess host = HostProcess.sampleHost(Jdks.java17(), "-javaagent:" + Dist.runtime() + "=" + arg)) {
      assertThat(host.output()).contains("started via premain");
      Cli.Result a = new HostCli(controlDir, host.pid()).activate(Dist.plugin("response-header", "1.0.0"));
      assertThat(a.exit()).as(a.toString()).isZero();
      assertThat(a.stdout()).contains("re-adopted"); // nothing attached: the runtime was there from launch
      assertThat(Http.header(Http.get(host.port), SampleHostIT.HEADER)).isEqualTo("response-header/1.0.0");
    }
  }

  @Test
  void attachRefusedAndMissingPidGiveClearErrors() throws Exception {
    try (HostProcess host = HostProcess.testMain(IdleHost.class, "-XX:+DisableAttachMechanism")) {
      Cli.Result r = Cli.run(controlDir, "host", "activate", "--pid", Long.toString(host.pid()),
          "--jar", Dist.runtime().toString(), "--plugin", "any");
      System.out.println("activate into a host with -XX:+DisableAttachMechanism:\n" + r);
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.stderr()).contains("ATTACH_REFUSED").contains("DisableAttachMechanism");
      assertThatThrownBy(() -> client().connect(host.pid()))
          .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.code()).isEqualTo(ControlException.Code.ATTACH_REFUSED));
    }
    long gone = ProcessHandle.current().pid() + 4_000_000L;
    Cli.Result r = Cli.run(controlDir, "host", "status", "--pid", Long.toString(gone));
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.stderr()).contains("NO_SUCH_PROCESS").contains("no process with pid " + gone);
    Cli.Result usage = Cli.run(controlDir, "host", "activate", "--pid", "1");
    assertThat(usage.exit()).as(usage.toString()).isEqualTo(2);
  }
}
