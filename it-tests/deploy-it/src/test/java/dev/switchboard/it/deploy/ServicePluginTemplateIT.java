package dev.switchboard.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.tools.attach.VirtualMachine;
import dev.switchboard.control.internal.Json;
import dev.switchboard.it.deploy.TemplateBuilds.Result;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sample-plugins/service-plugin-template (a plugin that needs no extension point: its own port, a scheduler, its own
 * MBean, a reader of the host's MBeans) builds offline as a plugin author would build it, and its jar runs in a real
 * sample host through {@code switchboard host activate}: it serves the host's figures on its port, its MBean is in the
 * host's platform MBean server (read over JMX from outside), a config change restarts it stop-first on a new port,
 * and deactivation releases the port and the MBean and lets its class loader be collected.
 */
class ServicePluginTemplateIT {
  static final String ID = "host-stats";
  @TempDir Path tmp;

  @Test
  void theServiceTemplateBuildsAndItsJarServesAndRestartsAndLeavesNothingInARealHost() throws Exception {
    Path project = tmp.resolve("service-plugin-template");
    Result build = TemplateBuilds.build("service-plugin-template", project);
    assertThat(build.code()).as("template build:\n" + build.output()).isZero();
    assertThat(build.output()).contains("Tests run: 4, Failures: 0, Errors: 0");
    Path jar = project.resolve("target/" + ID + "-1.0.0.jar");
    try (ZipFile z = new ZipFile(jar.toFile())) {
      String descriptor = new String(z.getInputStream(z.getEntry("plugin.json")).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(descriptor).contains("\"id\": \"" + ID + "\"").contains("\"restart\": \"stop-first\"");
      assertThat(z.getEntry("dev/switchboard/api/Plugin.class")).as("the API is not bundled").isNull();
    }

    Process host = new ProcessBuilder(Paths.java().toString(), "-jar", Paths.dist().resolve("sample-host.jar").toString(), "--port", "0")
        .redirectErrorStream(true).start();
    try {
      PluginTemplateIT.listeningPort(host);
      String pid = Long.toString(host.pid());
      Path control = tmp.resolve("control");
      int port = freePort();
      Result on = cli(control, "host", "activate", "--pid", pid, "--jar", jar.toString(), "--config",
          "{\"port\":" + port + ",\"intervalMillis\":50}");
      assertThat(on.code()).as(on.output()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> samples(get(port)) >= 3); // the scheduler samples the host's MBeans
      assertThat(get(port)).startsWith("{\"plugin\":\"" + ID + "/1.0.0\"").containsPattern("\"threadCount\":[1-9]");

      ObjectName name = new ObjectName("com.example.hoststats:type=HostStats,plugin=" + ID);
      try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(localJmx(pid)))) {
        MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
        assertThat(mbeans.getAttribute(name, "Port")).as("the plugin's MBean in the host").isEqualTo(port);
        assertThat((Long) mbeans.getAttribute(name, "HeapUsedBytes")).isPositive();

        // a config change: stop-first, so the new instance takes the MBean name again, on the new port
        int port2 = freePort();
        Result again = cli(control, "host", "activate", "--pid", pid, "--jar", jar.toString(), "--config", "{\"port\":" + port2 + "}");
        assertThat(again.code()).as(again.output()).isZero();
        assertThat(get(port2)).startsWith("{\"plugin\":\"" + ID + "/1.0.0\"");
        assertThatThrownBy(() -> get(port)).as("the old instance's port is closed").isInstanceOf(ConnectException.class);
        assertThat(mbeans.getAttribute(name, "Port")).isEqualTo(port2);

        Result off = cli(control, "host", "deactivate", "--pid", pid, "--plugin", ID);
        assertThat(off.code()).as(off.output()).isZero();
        assertThatThrownBy(() -> get(port2)).as("port closed after deactivation").isInstanceOf(ConnectException.class);
        assertThat(mbeans.isRegistered(name)).as(name + " unregistered").isFalse();
      }
      // on-demand checks (one full GC each) until the outcome is settled; the runtime names a loader still reachable
      // after its 30 s deadline leaked, so a real leak fails here
      Map<String, Object> plugin = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
        Result status = cli(control, "host", "status", "--pid", pid, "--json", "--check-unload");
        assertThat(status.code()).as(status.output()).isZero();
        return plugin(Json.parseObject(status.output().trim()));
      }, p -> !"pending".equals(p.get("unload")));
      assertThat(plugin).containsEntry("state", "INACTIVE").containsEntry("unload", "collected");
    } finally {
      host.destroy();
      if (!host.waitFor(10, TimeUnit.SECONDS)) host.destroyForcibly();
    }
  }

  private static Result cli(Path control, String... args) throws Exception {
    String[] cmd = new String[args.length + 5];
    cmd[0] = Paths.java().toString();
    cmd[1] = "-jar";
    cmd[2] = Paths.dist().resolve("switchboard.jar").toString();
    System.arraycopy(args, 0, cmd, 3, args.length);
    cmd[args.length + 3] = "--control-dir";
    cmd[args.length + 4] = control.toString();
    Result r = TemplateBuilds.run(Paths.root(), Duration.ofMinutes(2), cmd);
    System.out.println(String.join(" ", args) + " -> " + r.code() + ": " + r.output().trim());
    return r;
  }

  /** The host's local JMX connector address (the management agent started through the Attach API). */
  private static String localJmx(String pid) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(pid);
    try {
      return vm.startLocalManagementAgent();
    } finally {
      vm.detach();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> plugin(Map<String, Object> status) {
    for (Object o : (List<Object>) status.get("plugins")) {
      Map<String, Object> p = (Map<String, Object>) o;
      if (ID.equals(p.get("pluginId"))) return p;
    }
    throw new AssertionError("no " + ID + " in " + status);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String get(int port) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static long samples(String body) {
    Matcher m = Pattern.compile("\"samples\":(\\d+)").matcher(body);
    assertThat(m.find()).as(body).isTrue();
    return Long.parseLong(m.group(1));
  }
}
