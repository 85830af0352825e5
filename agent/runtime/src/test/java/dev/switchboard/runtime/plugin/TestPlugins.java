package dev.switchboard.runtime.plugin;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Plugin sources and a manager set-up shared by the runtime tests. */
final class TestPlugins {
  static final String SPI = "dev.switchboard.runtime.plugin.testspi";

  private TestPlugins() {}

  static PluginManagerConfig.Builder settings() {
    return PluginManagerConfig.builder()
        .hostExports(List.of(SPI))
        .startTimeout(Duration.ofSeconds(3))
        .stopTimeout(Duration.ofSeconds(1))
        .drainTimeout(Duration.ofSeconds(3))
        .threadTimeout(Duration.ofMillis(500))
        .collectTimeout(Duration.ofSeconds(15))
        .eagerUnloadCheck(Duration.ofSeconds(10)); // these tests assert each outcome at deactivation
  }

  static PluginManager manager() {
    return PluginManager.builder().config(settings().build()).build();
  }

  /**
   * A plugin registering a {@code Greeter} answering {@code "<greeting> <name> from <id>@<version>"};
   * {@code startExtra} / {@code stopExtra} are statements appended to start / stop, {@code members}
   * extra class members, {@code reconfigurable} adds a {@code reconfigure} that swaps the greeting
   * (refusing the greeting "forbidden").
   */
  static PluginJarBuilder greeter(Path dir, String id, String version, String startExtra, String stopExtra,
      String members, boolean reconfigurable) {
    String src = """
        package demo;
        import dev.switchboard.api.*;
        import dev.switchboard.runtime.plugin.testspi.*;
        public class GreeterPlugin implements Plugin IMPLEMENTS {
          private volatile String greeting;
          private String tag;
          public void start(PluginContext ctx) throws Exception {
            tag = ctx.pluginId() + "@" + ctx.version();
            greeting = ctx.config().string("greeting", "hello");
            Probe.event("start " + tag);
            ctx.register(Greeter.class, name -> greeting + " " + name + " from " + tag);
            START_EXTRA
          }
          public void stop() throws Exception {
            Probe.event("stop " + tag);
            STOP_EXTRA
          }
          RECONFIGURE
          MEMBERS
        }
        """
        .replace("IMPLEMENTS", reconfigurable ? ", Reconfigurable" : "")
        .replace("START_EXTRA", startExtra == null ? "" : startExtra)
        .replace("STOP_EXTRA", stopExtra == null ? "" : stopExtra)
        .replace("MEMBERS", members == null ? "" : members)
        .replace("RECONFIGURE", !reconfigurable ? "" : """
            public void reconfigure(PluginConfig config) {
              String g = config.string("greeting", "hello");
              if (g.equals("forbidden")) throw new IllegalArgumentException("greeting 'forbidden' refused");
              greeting = g;
              Probe.event("reconfigure " + tag + " " + g);
            }
            """);
    return PluginJarBuilder.plugin(dir, id).version(version).entry("demo.GreeterPlugin").source("demo.GreeterPlugin", src);
  }

  static PluginJarBuilder greeter(Path dir, String id, String version) {
    return greeter(dir, id, version, null, null, null, false);
  }

  static ActivateRequest request(String id, Path jar, String config) {
    return new ActivateRequest(id, jar.toString(), PluginJarBuilder.sha256(jar), config);
  }

  static PluginStatus activate(PluginManager m, String id, Path jar, String config) throws Exception {
    return m.activate(request(id, jar, config)).get(60, TimeUnit.SECONDS);
  }

  static PluginStatus activate(PluginManager m, String id, Path jar) throws Exception {
    return activate(m, id, jar, "{}");
  }

  static PluginStatus deactivate(PluginManager m, String id) throws Exception {
    return m.deactivate(id).get(60, TimeUnit.SECONDS);
  }
}
