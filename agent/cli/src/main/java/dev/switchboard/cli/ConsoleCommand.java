package dev.switchboard.cli;

import dev.switchboard.cli.console.Console;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code switchboard console [--listen HOST:PORT] [--flip-window MINUTES]} with the store flags of {@code ctl}: a
 * read-only web page of the fleet (services × nodes × plugins, rollout progress, recent flips) that follows the
 * status keys and desired state live. Runs until interrupted.
 */
@Command(name = "console", mixinStandardHelpOptions = true,
    description = {"A read-only web page of the fleet, live: services x nodes x plugins with state, version, error and age;",
        "rollout progress per plugin; the flips of the last minutes. Watches one store (--etcd or --zookeeper, as ctl)."})
final class ConsoleCommand implements Callable<Integer> {
  static final int DEFAULT_PORT = 9466;
  private static final Pattern LISTEN = Pattern.compile("(?:(\\[[0-9a-fA-F:.]+\\]|[^:\\[\\]]*):)?(\\d{1,5})");

  @Mixin CtlStore store;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:" + DEFAULT_PORT,
      description = "address of the page (default ${DEFAULT-VALUE}; PORT alone keeps 127.0.0.1; port 0 picks one)")
  String listen;

  @Option(names = "--flip-window", paramLabel = "MINUTES", defaultValue = "15",
      description = "how far back the page lists flips (default ${DEFAULT-VALUE})")
  int flipWindowMinutes;

  /** Host and port of a {@code --listen} value. */
  record Address(String host, int port) {}

  /** {@code PORT}, {@code HOST:PORT} or {@code [V6]:PORT}; a usage error naming the value otherwise. */
  Address address() {
    Matcher m = LISTEN.matcher(listen.strip());
    if (!m.matches()) throw store.usage("--listen: expected HOST:PORT or PORT, got '" + listen + "'");
    String host = m.group(1) == null || m.group(1).isEmpty() ? "127.0.0.1" : m.group(1);
    if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
    int port = Integer.parseInt(m.group(2));
    if (port > 65535) throw store.usage("--listen: port outside 0..65535: " + port);
    return new Address(host, port);
  }

  @Override
  public Integer call() {
    Address a = address();
    if (flipWindowMinutes < 1 || flipWindowMinutes > 24 * 60) {
      throw store.usage("--flip-window must be 1..1440 minutes: " + flipWindowMinutes);
    }
    String root = store.root();
    return store.run(ks -> {
      Console console;
      try {
        console = Console.start(ks, root, a.host(), a.port(), Duration.ofMinutes(flipWindowMinutes));
      } catch (IllegalStateException e) {
        throw new CtlStore.Failed(e.getMessage());
      }
      try (console) {
        System.out.println("switchboard console: " + console.url() + " (" + ks.storeName() + " " + ks.endpoints()
            + ", root " + root + "; read-only; Ctrl-C stops it)");
        System.out.flush();
        new CountDownLatch(1).await(); // until interrupted; Ctrl-C ends the JVM
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Main.EXIT_OK;
    });
  }
}
