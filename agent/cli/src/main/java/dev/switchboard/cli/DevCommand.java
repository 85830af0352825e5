package dev.switchboard.cli;

import dev.switchboard.cli.dev.DevException;
import dev.switchboard.cli.dev.DevMode;
import dev.switchboard.control.ControlException;
import dev.switchboard.control.RuntimeConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code switchboard dev --pid N --dir DIR}: development mode, no store and no agent. Keeps the plugins of one
 * host JVM in step with the jars of one directory (see {@link DevMode}) until interrupted; plugins keep
 * running afterwards.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = {"Development mode: activate every plugin jar written into a directory in one host JVM; a replaced jar",
        "upgrades, a deleted jar deactivates, <plugin id>.json beside the jars is the config. Runs until interrupted."})
final class DevCommand implements Callable<Integer> {
  @Mixin HostOptions options;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--pid", required = true, paramLabel = "P", description = "Host JVM pid.")
  long pid;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Directory to watch for plugin jars.")
  Path dir;

  @Option(names = "--settle", paramLabel = "MILLIS",
      description = "A jar is read once its size and modification time stayed the same this long (default: ${DEFAULT-VALUE}).")
  long settleMillis = 500;

  @Option(names = "--exports", split = ",", paramLabel = "PKG", description = "Host packages plugins may see (pkg or pkg.*).")
  List<String> exports = new ArrayList<>();

  @Override
  public Integer call() {
    Path watched = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(watched)) throw usage("--dir: not a directory: " + watched);
    if (settleMillis < 0) throw usage("--settle < 0: " + settleMillis);
    Path staging;
    CountDownLatch finished = new CountDownLatch(1);
    try {
      staging = Files.createTempDirectory("switchboard-dev-");
    } catch (IOException e) {
      System.err.println("switchboard dev: cannot create a staging directory: " + e.getMessage());
      finished.countDown();
      return Main.EXIT_FAILED;
    }
    try (RuntimeConnection conn = options.client(exports).connect(pid)) {
      conn.injectedIn().ifPresentOrElse(
          d -> System.out.println("attached to " + pid + " and started the runtime in " + d.toMillis() + " ms"),
          () -> System.out.println("re-adopted the runtime in " + pid));
      conn.onClosed(t -> System.err.println("switchboard dev: the connection to host " + pid + " closed"
          + (t == null ? "" : ": " + t.getMessage())));
      DevMode mode = new DevMode(watched, conn, Duration.ofMillis(settleMillis), staging, System.out, System.err,
          options.timeoutSeconds);
      Thread hook = new Thread(() -> {
        mode.close();
        try {
          finished.await(10, TimeUnit.SECONDS); // let the loop end and the staging directory go
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "switchboard-dev-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      boolean closed = mode.run();
      if (!closed) {
        System.err.println("switchboard dev: host " + pid + " went away");
        return Main.EXIT_FAILED;
      }
      return Main.EXIT_OK;
    } catch (ControlException e) {
      return HostSupport.failed("dev", e);
    } catch (DevException e) {
      System.err.println("switchboard dev: " + e.getMessage());
      return Main.EXIT_FAILED;
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    } finally {
      deleteTree(staging);
      finished.countDown();
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      System.err.println("switchboard dev: cannot remove " + root + ": " + e.getMessage());
    }
  }
}
