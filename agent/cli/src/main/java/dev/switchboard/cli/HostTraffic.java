package dev.switchboard.cli;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.control.TrafficRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code host traffic}: a second version of an active plugin live beside the first, calls shared by weight, hash
 * key and pins; {@code host promote} / {@code host abort} keep one of the two.
 */
@Command(name = "traffic", mixinStandardHelpOptions = true,
    description = "Run a second version of an active plugin beside the first and share calls: --weights 1.0.0=90,2.0.0=10.")
final class HostTraffic implements Callable<Integer> {
  @Mixin HostOptions options;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--pid", required = true, paramLabel = "P", description = "Host JVM pid.")
  long pid;

  @Option(names = "--jar", required = true, paramLabel = "FILE", description = "The second version's jar.")
  Path jar;

  @Option(names = "--plugin", paramLabel = "ID", description = "Plugin id (default: the id in the jar's plugin.json).")
  String pluginId;

  @Option(names = "--weights", required = true, paramLabel = "V=W[,V=W]",
      description = "The two versions and their weights (0..10000), e.g. 1.0.0=90,2.0.0=10.")
  String weights;

  @Option(names = "--hash-key", paramLabel = "ATTRIBUTE",
      description = "Call attribute (the sample host: a request header) whose value is hashed: the same value keeps its version.")
  String hashKey;

  @Option(names = "--pin-header", paramLabel = "ATTRIBUTE", description = "Call attribute whose values pin a call to a version.")
  String pinHeader;

  @Option(names = "--pin", split = ",", paramLabel = "VALUE=VERSION", description = "A pin: calls with this attribute value go to that version.")
  List<String> pins = List.of();

  @Option(names = "--config", paramLabel = "JSON", description = "The second version's config (default {}).")
  String config = "{}";

  @Override
  public Integer call() {
    Path file = jar.toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) throw usage("--jar: no such file: " + file);
    TrafficRequest req;
    try {
      String id = pluginId != null ? pluginId : HostActivate.idFromDescriptor(file);
      ActivateRequest second = new ActivateRequest(id, file.toString(), HostActivate.sha256(file), config);
      req = new TrafficRequest(id, TrafficRequest.Action.SPLIT, second, pairs("--weights", weights), hashKey, pinHeader,
          strings(pins));
    } catch (IOException e) {
      System.err.println("switchboard host traffic: cannot read " + file + ": " + e.getMessage());
      return Main.EXIT_FAILED;
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    return send(options, pid, req, "traffic");
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** {@code a=1,b=2} as a map of integers. */
  static Map<String, Integer> pairs(String flag, String text) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String p : text.split(",")) {
      String[] kv = p.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank()) throw new IllegalArgumentException(flag + ": expected VERSION=WEIGHT, got '" + p + "'");
      try {
        out.put(kv[0].strip(), Integer.parseInt(kv[1].strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + ": weight of " + kv[0] + " is not an integer: '" + kv[1] + "'");
      }
    }
    return out;
  }

  static Map<String, String> strings(List<String> pins) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String p : pins) {
      String[] kv = p.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) throw new IllegalArgumentException("--pin: expected VALUE=VERSION, got '" + p + "'");
      out.put(kv[0].strip(), kv[1].strip());
    }
    return out;
  }

  static int send(HostOptions options, long pid, TrafficRequest req, String verb) {
    try (RuntimeConnection conn = options.client(List.of()).connect(pid)) {
      PluginStatus s = HostSupport.await(conn.traffic(req), options.timeoutSeconds);
      HostSupport.printStatus(System.out, s);
      if (s.state() == PluginState.FAILED) return Main.EXIT_FAILED;
      printTraffic(System.out, HostSupport.await(conn.stats(), options.timeoutSeconds).get("traffic"));
      return Main.EXIT_OK;
    } catch (ControlException e) {
      return HostSupport.failed(verb, e);
    }
  }

  /** One line per version of each plugin running two: {@code  <plugin> <version> weight W calls N}. */
  @SuppressWarnings("unchecked")
  static void printTraffic(PrintStream out, Object traffic) {
    if (!(traffic instanceof Map)) return;
    ((Map<String, Object>) traffic).forEach((plugin, t) -> {
      Map<String, Object> m = (Map<String, Object>) t;
      ((Map<String, Object>) m.get("versions")).forEach((version, v) -> {
        Map<String, Object> f = (Map<String, Object>) v;
        out.println("  traffic " + plugin + " " + version + " weight " + f.get("weight") + " calls " + f.get("calls"));
      });
      Optional.ofNullable(m.get("hashKey")).ifPresent(h -> out.println("  traffic " + plugin + " hash key " + h));
      Optional.ofNullable(m.get("pinHeader")).ifPresent(h -> out.println("  traffic " + plugin + " pins " + h + " " + m.get("pins")));
    });
  }

  /** {@code host promote}: the second version serves alone. */
  @Command(name = "promote", mixinStandardHelpOptions = true, description = "End a traffic split: the second version serves alone.")
  static final class Promote implements Callable<Integer> {
    @Mixin HostOptions options;

    @Option(names = "--pid", required = true, paramLabel = "P", description = "Host JVM pid.")
    long pid;

    @Option(names = "--plugin", required = true, paramLabel = "ID", description = "Plugin id.")
    String pluginId;

    @Override
    public Integer call() {
      return send(options, pid, TrafficRequest.finish(pluginId, TrafficRequest.Action.PROMOTE), "promote");
    }
  }

  /** {@code host abort}: the first version serves alone. */
  @Command(name = "abort", mixinStandardHelpOptions = true, description = "End a traffic split: the first version serves alone.")
  static final class Abort implements Callable<Integer> {
    @Mixin HostOptions options;

    @Option(names = "--pid", required = true, paramLabel = "P", description = "Host JVM pid.")
    long pid;

    @Option(names = "--plugin", required = true, paramLabel = "ID", description = "Plugin id.")
    String pluginId;

    @Override
    public Integer call() {
      return send(options, pid, TrafficRequest.finish(pluginId, TrafficRequest.Action.ABORT), "abort");
    }
  }
}
