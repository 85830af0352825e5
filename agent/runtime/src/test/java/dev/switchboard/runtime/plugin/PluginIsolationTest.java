package dev.switchboard.runtime.plugin;

import static dev.switchboard.runtime.plugin.TestPlugins.activate;
import static dev.switchboard.runtime.plugin.TestPlugins.deactivate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.Extensions;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.UnloadOutcome;
import dev.switchboard.runtime.plugin.shared.Lib;
import dev.switchboard.runtime.plugin.testspi.Greeter;
import dev.switchboard.runtime.plugin.testspi.Probe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin class loader: child-first, isolated, no file handles. */
class PluginIsolationTest {
  private static final ExtensionPoint<Greeter> GREETERS = Extensions.point(Greeter.class);
  private static final String LIB_SOURCE = """
      package dev.switchboard.runtime.plugin.shared;
      public final class Lib {
        public static String version() { return "plugin-2.0"; }
      }
      """;

  @TempDir Path dir;
  private final List<PluginManager> managers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    Probe.reset();
  }

  @AfterEach
  void tearDown() {
    managers.forEach(PluginManager::close);
    assertThat(GREETERS.isEmpty()).isTrue();
  }

  private PluginManager manager(List<String> exports) {
    PluginManager m = PluginManager.builder().config(TestPlugins.settings().hostExports(exports).build()).build();
    managers.add(m);
    return m;
  }

  private static PluginJarBuilder probePlugin(Path dir, String id, String body) {
    return PluginJarBuilder.plugin(dir, id).entry("demo.ProbePlugin").source("demo.ProbePlugin", """
        package demo;
        import dev.switchboard.api.*;
        import dev.switchboard.runtime.plugin.testspi.*;
        public class ProbePlugin implements Plugin {
          public void start(PluginContext ctx) {
            ctx.register(Greeter.class, what -> {
              try {
                BODY
              } catch (Throwable t) {
                return "error " + t;
              }
            });
          }
        }
        """.replace("BODY", body));
  }

  private static String ask(String what) {
    List<String> out = new ArrayList<>();
    GREETERS.forEach((g, l) -> l.add(g.greet(what)), out);
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  @Test
  void aPluginBundlingAnotherVersionOfAHostLibraryUsesItsOwn() throws Exception {
    PluginManager m = manager(List.of(TestPlugins.SPI));
    Path jar = probePlugin(dir, "bundles-lib", "return dev.switchboard.runtime.plugin.shared.Lib.version();")
        .source("dev.switchboard.runtime.plugin.shared.Lib", LIB_SOURCE).build();
    assertThat(activate(m, "bundles-lib", jar).state()).isEqualTo(PluginState.ACTIVE);
    assertThat(ask("lib")).isEqualTo("plugin-2.0");
    assertThat(Lib.version()).isEqualTo("host-1.0");
  }

  @Test
  void hostClassesAreInvisibleUnlessExported() throws Exception {
    String body = "return dev.switchboard.runtime.plugin.shared.Lib.version();";
    PluginManager isolated = manager(List.of(TestPlugins.SPI));
    Path jar = probePlugin(dir, "uses-host-lib", body).build();
    activate(isolated, "uses-host-lib", jar);
    assertThat(ask("lib")).isEqualTo("error java.lang.NoClassDefFoundError: dev/switchboard/runtime/plugin/shared/Lib");
    deactivate(isolated, "uses-host-lib");

    PluginManager exporting = manager(List.of(TestPlugins.SPI, "dev.switchboard.runtime.plugin.shared"));
    activate(exporting, "uses-host-lib", jar);
    assertThat(ask("lib")).isEqualTo("host-1.0");
  }

  @Test
  void theRuntimeAndOtherHostPackagesStayHidden() throws Exception {
    PluginManager m = manager(List.of(TestPlugins.SPI));
    Path jar = probePlugin(dir, "snoop", """
        try { Class.forName(what); return "visible"; } catch (ClassNotFoundException e) { return "hidden"; }
        """).build();
    activate(m, "snoop", jar);
    assertThat(ask(PluginManager.class.getName())).isEqualTo("hidden");
    assertThat(ask("org.junit.jupiter.api.Test")).isEqualTo("hidden");
    assertThat(ask("dev.switchboard.api.Plugin")).isEqualTo("visible");
    assertThat(ask("javax.xml.parsers.DocumentBuilderFactory")).isEqualTo("visible");
    assertThat(ask("java.net.http.HttpClient")).isEqualTo("visible");
  }

  @Test
  void pluginApiAndSpiClassesAreTheHostsOwn() throws Exception {
    PluginManager m = manager(List.of(TestPlugins.SPI));
    Path jar = probePlugin(dir, "same-classes", """
        return String.valueOf(Plugin.class.getClassLoader() == Greeter.class.getClassLoader());
        """).build();
    activate(m, "same-classes", jar);
    assertThat(ask("x")).isEqualTo(String.valueOf(dev.switchboard.api.Plugin.class.getClassLoader() == Greeter.class.getClassLoader()));
    List<Greeter> gs = GREETERS.snapshot();
    assertThat(gs.get(0)).isInstanceOf(Greeter.class);
  }

  @Test
  void resourcesComeFromTheJarInMemoryAndTheJarIsNeverHeldOpen() throws Exception {
    PluginManager m = manager(List.of(TestPlugins.SPI));
    Path jar = probePlugin(dir, "resources", """
        if (what.equals("lazy")) return demo.Later.hello();
        try (var in = getClass().getResourceAsStream("/data/hello.txt")) {
          String a = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          try (var in2 = getClass().getClassLoader().getResource("data/hello.txt").openStream()) {
            return a + "|" + new String(in2.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          }
        }
        """)
        .source("demo.Later", "package demo; public class Later { public static String hello() { return \"loaded late\"; } }")
        .resource("data/hello.txt", "hi there".getBytes(StandardCharsets.UTF_8)).build();
    PluginStatus s = activate(m, "resources", jar);
    assertThat(s.state()).isEqualTo(PluginState.ACTIVE);
    assertThat(ask("res")).isEqualTo("hi there|hi there");
    assertThat(openHandlesTo(jar)).as("no fd on the jar while active").isEmpty();

    Files.delete(jar); // replacing or deleting the jar does not affect the running plugin
    assertThat(ask("lazy")).as("classes first loaded after the jar was deleted").isEqualTo("loaded late");

    PluginStatus off = deactivate(m, "resources");
    assertThat(off.unload()).isEqualTo(UnloadOutcome.COLLECTED);
    assertThat(openHandlesTo(jar)).isEmpty();
  }

  @Test
  void afterUnloadTheJarCanBeDeletedAndNoHandleIsOpen() throws Exception {
    PluginManager m = manager(List.of(TestPlugins.SPI));
    Path jar = TestPlugins.greeter(dir, "handles", "1.0.0").build();
    activate(m, "handles", jar);
    PluginStatus off = deactivate(m, "handles");
    assertThat(off.unload()).isEqualTo(UnloadOutcome.COLLECTED);
    assertThat(openHandlesTo(jar)).isEmpty();
    Files.delete(jar);
    assertThat(Files.exists(jar)).isFalse();
  }

  /** Links in /proc/self/fd pointing at {@code file} (Linux); empty elsewhere. */
  static List<String> openHandlesTo(Path file) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(fds)) {
      return out;
    }
    String target = file.toAbsolutePath().toString();
    try (Stream<Path> s = Files.list(fds)) {
      for (Path fd : (Iterable<Path>) s::iterator) {
        try {
          String link = Files.readSymbolicLink(fd).toString();
          if (link.startsWith(target)) {
            out.add(fd + " -> " + link);
          }
        } catch (IOException gone) {
          // fd closed while listing
        }
      }
    }
    return out;
  }
}
