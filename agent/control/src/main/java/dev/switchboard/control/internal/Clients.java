package dev.switchboard.control.internal;

import dev.switchboard.control.ControlException;
import dev.switchboard.control.RuntimeClient;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.control.server.AgentArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The default {@link RuntimeClient}: re-adopts a running runtime through {@code
 * <controlDir>/<pid>.sock} + {@code .token}, else attaches ({@link Attacher}), loads the runtime
 * jar, waits (bounded) for the socket and connects.
 */
public final class Clients implements RuntimeClient {
  private static final System.Logger LOG = System.getLogger("dev.switchboard.control.client");

  private final Path controlDir;
  private final Path runtimeJar;
  private final Duration timeout;
  private final List<String> exports;

  private Clients(RuntimeClient.Builder b) {
    this.controlDir = b.controlDir().toAbsolutePath().normalize();
    this.runtimeJar = b.runtimeJar().toAbsolutePath().normalize();
    this.timeout = b.timeout();
    this.exports = b.exports();
  }

  public static RuntimeClient create(RuntimeClient.Builder builder) {
    return new Clients(builder);
  }

  private static ProcessHandle process(long hostPid) {
    if (hostPid <= 0) throw new ControlException(ControlException.Code.NO_SUCH_PROCESS, "pid <= 0: " + hostPid);
    Optional<ProcessHandle> ph = ProcessHandle.of(hostPid);
    if (ph.isEmpty() || !ph.get().isAlive()) {
      throw new ControlException(ControlException.Code.NO_SUCH_PROCESS, "no process with pid " + hostPid + " on this machine");
    }
    return ph.get();
  }

  @Override
  public CompletableFuture<Duration> prepare() {
    CompletableFuture<Duration> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      long t0 = System.nanoTime();
      try {
        Attacher.prepare();
        ClientPreparation.run();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        LOG.log(System.Logger.Level.DEBUG, "switchboard: attach client prepared in " + took.toMillis() + " ms");
        done.complete(took);
      } catch (Throwable e) { // also a ServiceConfigurationError of the attach provider: the future must complete
        LOG.log(System.Logger.Level.DEBUG, "switchboard: preparing the attach client failed (connect will report it): " + e);
        done.completeExceptionally(e);
      }
    }, "switchboard-attach-prepare");
    t.setDaemon(true);
    t.start();
    return done;
  }

  @Override
  public Optional<RuntimeConnection> adopt(long hostPid) {
    process(hostPid);
    return Optional.ofNullable(tryAdopt(hostPid, Protocol.socketPath(controlDir, hostPid), Protocol.tokenPath(controlDir, hostPid)));
  }

  @Override
  public RuntimeConnection connect(long hostPid) {
    ProcessHandle ph = process(hostPid);
    Path socket = Protocol.socketPath(controlDir, hostPid);
    Path tokenFile = Protocol.tokenPath(controlDir, hostPid);
    ClientConnection adopted = tryAdopt(hostPid, socket, tokenFile);
    if (adopted != null) return adopted;

    if (hostPid == ProcessHandle.current().pid()) {
      throw new ControlException(ControlException.Code.ATTACH_REFUSED, "pid " + hostPid + " is this process; a JVM cannot inject the runtime into itself");
    }
    checkSameUser(hostPid, ph);
    if (!Files.isRegularFile(runtimeJar)) {
      throw new ControlException(ControlException.Code.FAILED, "runtime jar not found: " + runtimeJar + " (build dist/switchboard-runtime.jar or pass its path)");
    }
    long t0 = System.nanoTime();
    try {
      ControlFiles.ensureDirectory(controlDir);
    } catch (IOException e) {
      throw new ControlException(ControlException.Code.FAILED, "cannot create control dir " + controlDir + ": " + e.getMessage(), e);
    }
    Attacher.loadAgent(hostPid, runtimeJar, AgentArgs.encode(controlDir, exports), null);
    long deadline = t0 + timeout.toNanos();
    ControlException last = null;
    while (System.nanoTime() < deadline) {
      if (Files.exists(socket) && Files.exists(tokenFile)) {
        try {
          String token = ControlFiles.readToken(tokenFile);
          ClientConnection c = ClientConnection.open(socket, token, hostPid, remaining(deadline));
          c.injected(Duration.ofNanos(System.nanoTime() - t0));
          LOG.log(System.Logger.Level.DEBUG, "switchboard: runtime injected into " + hostPid + " and ready in " + c.injectedIn().orElseThrow().toMillis() + " ms");
          return c;
        } catch (IOException | ControlException e) {
          last = e instanceof ControlException ? (ControlException) e : new ControlException(ControlException.Code.PROTOCOL, e.getMessage(), e);
          if (last.code() == ControlException.Code.UNAUTHORIZED) throw last;
        }
      }
      if (!ProcessHandle.of(hostPid).map(ProcessHandle::isAlive).orElse(false)) {
        throw new ControlException(ControlException.Code.NO_SUCH_PROCESS, "host " + hostPid + " exited while the runtime was starting");
      }
      sleep(10);
    }
    throw new ControlException(ControlException.Code.TIMEOUT,
        "runtime loaded into " + hostPid + " but " + socket + " did not answer within " + timeout.toMillis() + " ms"
            + (last == null ? "" : " (last error: " + last.getMessage() + ")"), last);
  }

  /** Connects to an already running runtime, or returns null when there is none to adopt. */
  private ClientConnection tryAdopt(long hostPid, Path socket, Path tokenFile) {
    if (!Files.exists(socket) || !Files.exists(tokenFile)) return null;
    String token;
    try {
      token = ControlFiles.readToken(tokenFile);
    } catch (IOException e) {
      throw new ControlException(ControlException.Code.UNAUTHORIZED, "cannot read token of host " + hostPid + ": " + e.getMessage(), e);
    }
    if (token == null) return null;
    try {
      return ClientConnection.open(socket, token, hostPid, timeout);
    } catch (ControlException e) {
      if (e.code() == ControlException.Code.CLOSED) {
        LOG.log(System.Logger.Level.DEBUG, "switchboard: stale control socket " + socket + " (" + e.getMessage() + "), injecting again");
        return null;
      }
      throw e;
    }
  }

  private static void checkSameUser(long pid, ProcessHandle ph) {
    Optional<String> hostUser = ph.info().user();
    Optional<String> me = ProcessHandle.current().info().user();
    if (hostUser.isPresent() && me.isPresent() && !hostUser.get().equals(me.get())) {
      throw new ControlException(ControlException.Code.ATTACH_REFUSED,
          "host " + pid + " runs as user " + hostUser.get() + " but switchboard runs as " + me.get()
              + "; the Attach API and the control channel need the same user");
    }
  }

  private static Duration remaining(long deadlineNanos) {
    long left = deadlineNanos - System.nanoTime();
    return Duration.ofNanos(Math.max(left, 1_000_000_000L));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlException(ControlException.Code.TIMEOUT, "interrupted while waiting for the runtime", e);
    }
  }
}
