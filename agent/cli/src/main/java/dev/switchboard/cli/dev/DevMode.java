package dev.switchboard.cli.dev;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.ControlCodec;
import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeConnection;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Development mode: keeps the plugins of one host in step with the jars of one directory. A jar written into
 * the directory is activated once it settled (size and modification time unchanged for the quiet period) and
 * {@link JarCheck} found it complete; a replaced jar upgrades; a deleted jar deactivates; {@code <id>.json}
 * beside the jars is the plugin's config. The runtime reads a private copy of each jar (staged under its
 * sha256), so a file rewritten while the runtime reads it cannot mix two versions. One thread runs the loop
 * ({@link #run()}); every request to the runtime is awaited before the next.
 */
public final class DevMode implements AutoCloseable {
  private static final long TICK_MILLIS = 100;

  private final Path dir;
  private final RuntimeConnection conn;
  private final Settle settle;
  private final Path staging;
  private final PrintStream out;
  private final PrintStream err;
  private final int timeoutSeconds;

  private final Map<String, DevPlan.Jar> jars = new HashMap<>();
  private final Map<String, String> configs = new HashMap<>();
  private final Set<String> brokenConfigs = new HashSet<>();
  private final Map<String, DevPlan.Attempt> attempted = new HashMap<>();
  private long order;
  private volatile boolean closed;
  private volatile WatchService watch;

  public DevMode(Path dir, RuntimeConnection conn, Duration quiet, Path staging, PrintStream out, PrintStream err,
      int timeoutSeconds) {
    this.dir = dir;
    this.conn = conn;
    this.settle = new Settle(quiet);
    this.staging = staging;
    this.out = out;
    this.err = err;
    this.timeoutSeconds = timeoutSeconds;
  }

  /**
   * Watches until {@link #close()} or until the connection to the host drops.
   *
   * @return true when closed, false when the host went away
   * @throws DevException {@code DIRECTORY} when the directory cannot be watched
   */
  public boolean run() {
    try (WatchService ws = dir.getFileSystem().newWatchService()) {
      watch = ws;
      WatchKey key = dir.register(ws, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
      scan();
      out.println("watching " + dir + " for plugin jars (<id>.json beside them is the config); Ctrl-C ends");
      out.flush();
      while (!closed) {
        if (!conn.isOpen()) return false;
        WatchKey k = ws.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
        if (k != null) {
          events(k);
          if (!k.reset() && k == key) {
            throw new DevException(DevException.Code.DIRECTORY, dir + " cannot be watched any more (deleted or unmounted?)");
          }
        }
        step();
      }
      return true;
    } catch (ClosedWatchServiceException e) {
      return true;
    } catch (IOException e) {
      throw new DevException(DevException.Code.DIRECTORY, "cannot watch " + dir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private void scan() throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (relevant(name)) settle.touch(name, System.nanoTime());
      }
    }
  }

  private void events(WatchKey k) throws IOException {
    for (WatchEvent<?> e : k.pollEvents()) {
      if (e.kind() == OVERFLOW) {
        scan();
        for (String name : List.copyOf(jars.keySet())) settle.touch(name, System.nanoTime());
        continue;
      }
      String name = ((Path) e.context()).getFileName().toString();
      if (relevant(name)) settle.touch(name, System.nanoTime());
    }
  }

  /** {@code *.jar} and {@code *.json}, not hidden: a writer may stage a file as {@code .name.jar} and rename it. */
  static boolean relevant(String name) {
    return !name.startsWith(".") && (name.endsWith(".jar") || name.endsWith(".json"));
  }

  private void step() {
    Settle.Outcome o = settle.poll(System.nanoTime(), this::stat);
    if (o.settled().isEmpty() && o.gone().isEmpty()) return;
    for (String name : o.gone()) gone(name);
    for (String name : o.settled()) settled(name);
    for (DevPlan.Action a : DevPlan.plan(jars, configs, brokenConfigs, attempted)) {
      if (closed || !conn.isOpen()) return;
      if (a instanceof DevPlan.Activate act) {
        activate(act);
      } else {
        deactivate(a.pluginId());
      }
    }
    out.flush();
    err.flush();
  }

  private Optional<Settle.Stat> stat(String name) {
    try {
      BasicFileAttributes a = Files.readAttributes(dir.resolve(name), BasicFileAttributes.class);
      if (!a.isRegularFile()) return Optional.empty();
      return Optional.of(new Settle.Stat(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      err.println("switchboard dev: " + name + ": cannot read its attributes: " + e.getMessage());
      return Optional.empty();
    }
  }

  private void gone(String name) {
    if (name.endsWith(".json")) {
      String id = name.substring(0, name.length() - ".json".length());
      if (configs.remove(id) != null | brokenConfigs.remove(id)) out.println(name + ": deleted, " + id + " gets the config {}");
      return;
    }
    DevPlan.Jar j = jars.remove(name);
    if (j != null) out.println(name + ": deleted (it held " + j.info().pluginId() + " " + j.info().version() + ")");
  }

  private void settled(String name) {
    Path file = dir.resolve(name);
    if (name.endsWith(".json")) {
      config(name, file);
      return;
    }
    try {
      JarCheck.JarInfo info = JarCheck.inspect(file);
      jars.put(name, new DevPlan.Jar(info, ++order));
      out.println(name + ": complete, " + info.size() + " bytes, " + info.pluginId() + " " + info.version() + " sha256 "
          + info.sha256().substring(0, 12));
    } catch (DevException e) {
      DevPlan.Jar previous = jars.get(name);
      err.println("switchboard dev: refused " + e.getMessage()
          + (previous == null ? "" : "; " + previous.info().pluginId() + " keeps its previous version " + previous.info().version()));
    }
  }

  private void config(String name, Path file) {
    String id = name.substring(0, name.length() - ".json".length());
    try {
      if (Files.size(file) > 1 << 20) throw new IOException("larger than 1 MiB");
      String text = Files.readString(file, StandardCharsets.UTF_8);
      ControlCodec.parseObject(text);
      configs.put(id, text);
      brokenConfigs.remove(id);
      out.println(name + ": config of " + id);
    } catch (IOException | IllegalArgumentException e) {
      brokenConfigs.add(id);
      err.println("switchboard dev: refused config " + name + ": not a JSON object: " + e.getMessage() + "; " + id
          + " keeps its running config");
    }
  }

  private void activate(DevPlan.Activate a) {
    attempted.put(a.pluginId(), a.attempt());
    Path copy;
    try {
      copy = stage(a.jar());
    } catch (DevException e) {
      attempted.remove(a.pluginId()); // the file changes again: its next settle retries
      err.println("switchboard dev: " + e.getMessage());
      return;
    }
    out.println("activating " + a.pluginId() + " " + a.jar().version() + " from " + a.jar().file().getFileName());
    PluginStatus s = await(conn.activate(new ActivateRequest(a.pluginId(), copy.toString(), a.jar().sha256(), a.configJson())));
    if (s == null) return;
    print(s);
    if (s.state() == PluginState.FAILED || s.error() != null) {
      boolean serving = s.refusal() != null && s.refusal().previousServing();
      err.println("switchboard dev: " + a.pluginId() + " " + a.jar().version() + " from " + a.jar().file().getFileName()
          + " refused: " + s.error() + (serving ? "; the previous version keeps running" : ""));
    }
  }

  private void deactivate(String id) {
    attempted.remove(id);
    out.println("deactivating " + id + " (no jar in " + dir.getFileName() + " declares it any more)");
    PluginStatus s = await(conn.deactivate(id));
    if (s != null) print(s);
  }

  /** Copies the jar to {@code staging/<sha256>.jar} and checks the copy is what was inspected. */
  private Path stage(JarCheck.JarInfo info) {
    Path copy = staging.resolve(info.sha256() + ".jar");
    if (Files.isRegularFile(copy)) return copy;
    Path tmp = staging.resolve(".copy-" + info.sha256());
    try {
      Files.copy(info.file(), tmp, StandardCopyOption.REPLACE_EXISTING);
      if (!info.sha256().equals(JarCheck.sha256(tmp))) {
        Files.deleteIfExists(tmp);
        throw new DevException(DevException.Code.BAD_JAR, info.file().getFileName() + " changed after it was checked; waiting for it to settle again");
      }
      return Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new DevException(DevException.Code.BAD_JAR, "cannot copy " + info.file() + " to " + staging + ": " + e.getMessage(), e);
    }
  }

  private PluginStatus await(CompletableFuture<PluginStatus> f) {
    try {
      return f.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      err.println("switchboard dev: the runtime did not carry out the request: " + c.getMessage());
    } catch (TimeoutException e) {
      err.println("switchboard dev: no answer from the runtime within " + timeoutSeconds + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ControlException e) {
      err.println("switchboard dev: " + e.getMessage());
    }
    return null;
  }

  private void print(PluginStatus s) {
    StringBuilder b = new StringBuilder();
    b.append(s.pluginId()).append(' ').append(s.state()).append(' ').append(s.version() == null ? "-" : s.version());
    if (s.unload() != null) b.append(" unload=").append(s.unload());
    if (s.error() != null) b.append(" error: ").append(s.error());
    out.println(b);
  }

  /** Ends {@link #run()} (from another thread, e.g. a shutdown hook); plugins keep running. */
  @Override
  public void close() {
    closed = true;
    WatchService ws = watch;
    if (ws != null) {
      try {
        ws.close();
      } catch (IOException e) {
        err.println("switchboard dev: closing the directory watch: " + e.getMessage());
      }
    }
  }
}
