package dev.switchboard.cli;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.ControlCodec;
import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.control.Sha256;
import dev.switchboard.store.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "activate", mixinStandardHelpOptions = true,
    description = "Attach if needed and activate (or upgrade, or reconfigure) a plugin jar; computes its sha256.")
final class HostActivate implements Callable<Integer> {
  private static final long MAX_DESCRIPTOR_BYTES = 64 * 1024;

  @Mixin HostOptions options;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--pid", required = true, paramLabel = "P", description = "Host JVM pid.")
  long pid;

  @Option(names = "--jar", required = true, paramLabel = "FILE", description = "Plugin jar (plugin.json at its root).")
  Path jar;

  @Option(names = "--config", paramLabel = "JSON", description = "Plugin config: a JSON object, or @file.")
  String config;

  @Option(names = "--plugin", paramLabel = "ID", description = "Plugin id (default: the id in the jar's plugin.json).")
  String pluginId;

  @Option(names = "--exports", split = ",", paramLabel = "PKG", description = "Host packages plugins may see (used when attaching).")
  List<String> exports = new ArrayList<>();

  @Override
  public Integer call() {
    Path file = jar.toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) throw usage("--jar: no such file: " + file);
    String configJson = configJson();
    String id = pluginId;
    if (id == null) {
      try {
        id = idFromDescriptor(file);
      } catch (IOException | RuntimeException e) {
        System.err.println("switchboard host activate: cannot read the plugin id from " + file + ": " + e.getMessage()
            + " (pass --plugin ID to let the runtime report the descriptor problem)");
        return Main.EXIT_FAILED;
      }
    }
    String sha;
    try {
      sha = sha256(file);
    } catch (IOException e) {
      System.err.println("switchboard host activate: cannot read " + file + ": " + e.getMessage());
      return Main.EXIT_FAILED;
    }
    try (RuntimeConnection conn = options.client(exports).connect(pid)) {
      conn.injectedIn().ifPresentOrElse(
          d -> System.out.println("attached to " + pid + " and started the runtime in " + d.toMillis() + " ms"),
          () -> System.out.println("re-adopted the runtime in " + pid));
      if (conn.injectedIn().isPresent() && javaFeature(conn.info().hostJava()) >= 21) {
        System.out.println("note: Java " + conn.info().hostJava() + " hosts warn about dynamically loaded agents; start them with "
            + "-XX:+EnableDynamicAgentLoading, or with -javaagent:" + options.resolveRuntimeJar() + " to load the runtime at launch");
      }
      PluginStatus s = HostSupport.await(conn.activate(new ActivateRequest(id, file.toString(), sha, configJson)), options.timeoutSeconds);
      HostSupport.printStatus(System.out, s);
      if (s.refusal() != null && s.refusal().previousServing()) {
        System.out.println("refused: the previous instance keeps serving (state ACTIVE, the reason in its error)");
      }
      if (s.refusal() != null && s.refusal().permanent()) {
        System.out.println("refused for good: the same jar and config will be refused again");
      }
      return s.state() == PluginState.FAILED ? Main.EXIT_FAILED : Main.EXIT_OK;
    } catch (ControlException e) {
      return HostSupport.failed("activate", e);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  private String configJson() {
    if (config == null) return "{}";
    String text = config;
    if (config.startsWith("@")) {
      try {
        Path p = Path.of(config.substring(1));
        if (Files.size(p) > 1 << 20) throw usage("--config: file larger than 1 MiB: " + p);
        text = Files.readString(p, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw usage("--config: cannot read " + config.substring(1) + ": " + e.getMessage());
      }
    }
    try {
      ControlCodec.parseObject(text);
    } catch (IllegalArgumentException e) {
      throw usage("--config is not a JSON object: " + e.getMessage());
    }
    return text;
  }

  static int javaFeature(String javaVersion) {
    try {
      return Runtime.Version.parse(javaVersion).feature();
    } catch (IllegalArgumentException | NullPointerException e) {
      return 0;
    }
  }

  static String idFromDescriptor(Path file) throws IOException {
    try (ZipFile z = new ZipFile(file.toFile())) {
      ZipEntry e = z.getEntry("plugin.json");
      if (e == null) throw new IOException("no plugin.json at the root of the jar");
      try (InputStream in = z.getInputStream(e)) {
        byte[] b = in.readNBytes((int) MAX_DESCRIPTOR_BYTES + 1);
        if (b.length > MAX_DESCRIPTOR_BYTES) throw new IOException("plugin.json larger than " + MAX_DESCRIPTOR_BYTES + " bytes");
        Object id = ControlCodec.parseObject(new String(b, StandardCharsets.UTF_8)).get("id");
        if (!(id instanceof String) || !Keys.isValidName((String) id)) {
          throw new IOException("plugin.json 'id' is not a valid name (" + Keys.NAME.pattern() + "): " + id);
        }
        return (String) id;
      }
    }
  }

  static String sha256(Path file) throws IOException {
    try {
      return Sha256.of(file);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

}
