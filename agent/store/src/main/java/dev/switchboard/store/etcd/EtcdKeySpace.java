package dev.switchboard.store.etcd;

import dev.switchboard.store.Backoff;
import dev.switchboard.store.Entry;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.Futures;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.Keys;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.Threads;
import dev.switchboard.store.Watch;
import dev.switchboard.store.WatchListener;
import dev.switchboard.store.WatchOptions;
import dev.switchboard.store.internal.StateCell;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KeySpace} over etcd through jetcd. Internal: obtain it from {@code KeySpaces.etcd(...)}.
 *
 * <p>Versions are {@code mod_revision}s. Fenced writes are transactions comparing {@code
 * mod_revision} (absent: {@code version == 0}). The store state is CONNECTED while etcd is known to answer with a
 * leader and every watch is caught up.
 *
 * <p>Liveness costs etcd as little as it can: an answer that needs a leader (a keep-alive answer with a positive TTL, a
 * response on a watch stream, which requires a leader) proves it, and only when nothing answered for {@link
 * #PROBE_QUIET_MS} (jittered down to half of it) does the probe thread send a linearizable count-only read. A failed
 * read is retried after a jittered backoff of 1 … 4 s, so a fleet never puts more than one read per agent in flight
 * and stops adding reads to an etcd that is falling behind.
 */
public final class EtcdKeySpace implements KeySpace {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdKeySpace.class);

  final EtcdOptions options;
  final Client client;
  final KV kv;
  private final EtcdWrites writes;
  final StateCell state = new StateCell("etcd");
  final ScheduledExecutorService scheduler;
  final EtcdLiveKeys live;
  private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean probeOk;
  private volatile String problem;
  /** When etcd last answered something that needs a leader (nanoTime); starts long ago. */
  private volatile long lastHeardNanos = System.nanoTime() - TimeUnit.HOURS.toNanos(1);
  // confined to the probe thread
  private long quietNanos = TimeUnit.MILLISECONDS.toNanos(Backoff.jitter(PROBE_QUIET_MS));
  private long nextReadNanos = System.nanoTime();
  private int failedReads;
  private volatile long probeReads;

  /** Without any other answer from etcd for this long (jittered to 50 … 100 %), the probe reads. */
  static final long PROBE_QUIET_MS = 5000;

  private static final Backoff PROBE_RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4));

  private EtcdKeySpace(EtcdOptions options) {
    this.options = options;
    this.client = dev.switchboard.store.StoreClients.etcd(options);
    this.kv = client.getKVClient();
    this.writes = new EtcdWrites(kv, options.operationTimeout().toMillis(), this::map);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.daemon("switchboard-etcd-probe"));
    this.live = new EtcdLiveKeys(this);
    scheduler.scheduleWithFixedDelay(this::probe, 0, 1000, TimeUnit.MILLISECONDS);
  }

  /** Opens a key space; the client connects in the background. */
  public static EtcdKeySpace open(EtcdOptions options) {
    return new EtcdKeySpace(options);
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  static ByteSequence bytes(byte[] b) {
    return ByteSequence.from(b);
  }

  long timeoutMillis() {
    return options.operationTimeout().toMillis();
  }

  StoreException map(String what, Throwable t) {
    String msg = String.valueOf(t.getMessage());
    if (t instanceof io.etcd.jetcd.common.exception.EtcdException ee) {
      switch (ee.getErrorCode()) {
        case UNAVAILABLE, DEADLINE_EXCEEDED:
          return new StoreException(StoreException.Code.UNAVAILABLE, what + " at " + endpoints() + ": " + dev.switchboard.store.internal.Problems.describe(t), t);
        case PERMISSION_DENIED, UNAUTHENTICATED, RESOURCE_EXHAUSTED, INVALID_ARGUMENT:
          return new StoreException(StoreException.Code.REJECTED, what + ": " + dev.switchboard.store.internal.Problems.describe(t), t);
        default:
          break;
      }
    }
    if (t instanceof io.grpc.StatusRuntimeException sre
        && (sre.getStatus().getCode() == io.grpc.Status.Code.UNAUTHENTICATED || sre.getStatus().getCode() == io.grpc.Status.Code.PERMISSION_DENIED)) {
      return new StoreException(StoreException.Code.REJECTED, what + ": " + dev.switchboard.store.internal.Problems.describe(t), t);
    }
    // gRPC reports a stream cut by an etcd leader change or a member going away as "UNKNOWN: channel
    // closed"; etcd itself as "leader changed": both are a store that is briefly unavailable
    if (msg.contains("UNAVAILABLE") || msg.contains("no leader") || msg.contains("Connection refused")
        || msg.contains("channel closed") || msg.contains("leader changed")) {
      return new StoreException(StoreException.Code.UNAVAILABLE, what + " at " + endpoints() + ": " + dev.switchboard.store.internal.Problems.describe(t), t);
    }
    return new StoreException(StoreException.Code.INTERNAL, what + ": " + t, t);
  }

  <T> CompletableFuture<T> guard(CompletableFuture<T> f, String what) {
    return Futures.guard(f, timeoutMillis(), what, t -> map(what, t));
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new StoreException(StoreException.Code.CLOSED, "etcd key space is closed");
    }
  }

  void checkValue(String key, byte[] value) {
    if (value.length > options.maxValueBytes()) {
      throw new StoreException(
          StoreException.Code.VALUE_TOO_LARGE,
          key + ": value of " + value.length + " bytes > maxValueBytes " + options.maxValueBytes());
    }
  }

  /** etcd answered something that needs a leader: a keep-alive with a positive TTL, a watch response. */
  void heard() {
    lastHeardNanos = System.nanoTime();
  }

  /** Probe reads sent so far (for tests and diagnostics). */
  long probeReads() {
    return probeReads;
  }

  /**
   * Runs every second on the probe thread: etcd is known live when it answered anything that needs a leader within the
   * quiet window; else a linearizable count-only read (which fails without a leader) decides, at most one in flight,
   * failed ones retried with a jittered backoff.
   */
  private void probe() {
    if (closed.get()) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastHeardNanos < quietNanos) {
      failedReads = 0;
      setProbe(true);
      return;
    }
    if (now - nextReadNanos < 0) {
      return; // a failed read backs off
    }
    boolean ok;
    try {
      probeReads++;
      kv.get(bytes("/"), GetOption.builder().withCountOnly(true).withLimit(1).build())
          .get(Math.min(timeoutMillis(), 3000), TimeUnit.MILLISECONDS);
      ok = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      if (permissionDenied(Futures.unwrap(e))) {
        // a least-privilege user may not read "/": etcd checks permissions after the linearizable
        // read index, so a refusal still proves a connected, authenticated client and a leader
        readAnswered();
        setProbe(true);
        return;
      }
      String p = dev.switchboard.store.internal.Problems.describe(e);
      if (options.secure() && (Futures.unwrap(e) instanceof java.util.concurrent.TimeoutException || p.contains("UNAVAILABLE"))) {
        p = dev.switchboard.store.internal.TlsCheck.handshake(options.endpoints().get(0), options.tls(), options.authority()).orElse(p);
      }
      if (!p.equals(problem)) {
        LOG.warn("etcd at {} not answering: {}", endpoints(), p);
      }
      problem = p;
      ok = false;
    }
    if (ok) {
      readAnswered();
    } else {
      failedReads++;
      nextReadNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Backoff.jitter(PROBE_RETRY.delay(failedReads).toMillis()));
    }
    setProbe(ok);
  }

  private void readAnswered() {
    failedReads = 0;
    quietNanos = TimeUnit.MILLISECONDS.toNanos(Backoff.jitter(PROBE_QUIET_MS));
    heard();
  }

  static boolean permissionDenied(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof io.etcd.jetcd.common.exception.EtcdException ee && ee.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.PERMISSION_DENIED) {
        return true;
      }
      if (c instanceof io.grpc.StatusRuntimeException sre && sre.getStatus().getCode() == io.grpc.Status.Code.PERMISSION_DENIED) {
        return true;
      }
    }
    return false;
  }

  private void setProbe(boolean ok) {
    if (ok) {
      problem = null;
    }
    boolean was = probeOk;
    probeOk = ok;
    if (was != ok) {
      for (EtcdWatch w : watches) {
        w.probe(ok);
      }
    }
    recomputeState();
    if (ok) {
      live.check();
    }
  }

  void recomputeState() {
    if (closed.get()) {
      return;
    }
    boolean watchesOk = watches.stream().allMatch(EtcdWatch::healthy);
    if (probeOk && watchesOk) {
      state.set(StoreState.CONNECTED);
    } else if (state.get() != StoreState.CONNECTING || !probeOk) {
      if (state.get() == StoreState.CONNECTED) {
        state.set(StoreState.DISCONNECTED);
      }
    }
  }

  @Override
  public String storeName() {
    return "etcd";
  }

  @Override
  public String endpoints() {
    return String.join(",", options.endpoints());
  }

  @Override
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  @Override
  public StoreState state() {
    return state.get();
  }

  @Override
  public void addStateListener(Consumer<StoreState> listener) {
    state.addListener(listener);
  }

  boolean isOwnLease(long lease) {
    return lease != 0 && live.isOwn(lease);
  }

  @Override
  public CompletableFuture<Optional<Entry>> get(String key) {
    checkOpen();
    Keys.requirePath(key);
    return guard(kv.get(bytes(key)), "get " + key)
        .thenApply(
            r -> {
              if (r.getKvs().isEmpty()) {
                return Optional.empty();
              }
              KeyValue k = r.getKvs().get(0);
              byte[] v = k.getValue().getBytes();
              checkValue(key, v);
              return Optional.of(new Entry(key, v, k.getModRevision(), k.getLease() != 0));
            });
  }

  @Override
  public CompletableFuture<List<Entry>> list(String prefix) {
    checkOpen();
    Keys.requirePrefix(prefix);
    String range = "/".equals(prefix) ? "/" : prefix + "/";
    return guard(kv.get(bytes(range), GetOption.builder().isPrefix(true).build()), "list " + prefix)
        .thenApply(
            r -> {
              List<Entry> out = new ArrayList<>();
              for (KeyValue k : r.getKvs()) {
                byte[] raw = k.getKey().getBytes();
                Optional<String> problem = Keys.pathProblem(raw);
                if (problem.isPresent()) {
                  LOG.warn("etcd list {}: skipped key: {}", prefix, problem.get());
                  continue;
                }
                String key = k.getKey().toString(java.nio.charset.StandardCharsets.UTF_8);
                byte[] v = k.getValue().getBytes();
                if (v.length > options.maxValueBytes()) {
                  LOG.warn("etcd list {}: skipped {}: value of {} bytes > maxValueBytes {}", prefix, key, v.length, options.maxValueBytes());
                  continue;
                }
                out.add(new Entry(key, v, k.getModRevision(), k.getLease() != 0));
              }
              out.sort(Comparator.comparing(Entry::key));
              return out;
            });
  }

  @Override
  public CompletableFuture<Entry> put(String key, byte[] value) {
    checkOpen();
    Keys.requirePath(key);
    checkValue(key, value);
    byte[] copy = value.clone();
    return writes.write(key, copy).thenApply(r -> new Entry(key, copy, r.revision()));
  }

  @Override
  public CompletableFuture<Boolean> putIfVersion(String key, byte[] value, long expectedVersion) {
    checkOpen();
    Keys.requirePath(key);
    checkValue(key, value);
    return guard(
            kv.txn().If(condition(key, expectedVersion)).Then(Op.put(bytes(key), bytes(value), PutOption.DEFAULT)).commit(),
            "putIfVersion " + key)
        .thenApply(r -> r.isSucceeded());
  }

  @Override
  public CompletableFuture<Boolean> delete(String key) {
    checkOpen();
    Keys.requirePath(key);
    return writes.write(key, null).thenApply(EtcdWrites.Result::deleted);
  }

  @Override
  public CompletableFuture<Boolean> deleteIfVersion(String key, long expectedVersion) {
    checkOpen();
    Keys.requirePath(key);
    if (expectedVersion == ABSENT) {
      return get(key).thenApply(e -> e.isEmpty());
    }
    return guard(
            kv.txn().If(condition(key, expectedVersion)).Then(Op.delete(bytes(key), DeleteOption.DEFAULT)).commit(),
            "deleteIfVersion " + key)
        .thenApply(r -> r.isSucceeded());
  }

  private static Cmp condition(String key, long expectedVersion) {
    return expectedVersion == ABSENT
        ? new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.version(0))
        : new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(expectedVersion));
  }

  @Override
  public CompletableFuture<Void> putLive(String key, byte[] value) {
    checkOpen();
    Keys.requirePath(key);
    checkValue(key, value);
    return live.put(key, value.clone());
  }

  @Override
  public CompletableFuture<Void> deleteLive(String key) {
    checkOpen();
    Keys.requirePath(key);
    return live.delete(key);
  }

  @Override
  public Watch watch(String prefix, WatchListener listener) {
    return watch(prefix, WatchOptions.DEFAULTS, listener);
  }

  @Override
  public Watch watch(String prefix, WatchOptions opts, WatchListener listener) {
    checkOpen();
    Keys.requirePrefix(prefix);
    EtcdWatch w = new EtcdWatch(this, prefix, opts, listener);
    watches.add(w);
    w.start();
    return w;
  }

  void removed(EtcdWatch w) {
    watches.remove(w);
  }

  boolean isClosed() {
    return closed.get();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (EtcdWatch w : List.copyOf(watches)) {
      w.close();
    }
    live.close();
    scheduler.shutdownNow();
    state.set(StoreState.CLOSED);
    client.close();
  }
}
