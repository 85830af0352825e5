package dev.switchboard.store.etcd;

import dev.switchboard.store.Backoff;
import dev.switchboard.store.Change;
import dev.switchboard.store.Futures;
import dev.switchboard.store.Keys;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.Threads;
import dev.switchboard.store.Watch;
import dev.switchboard.store.WatchListener;
import dev.switchboard.store.WatchOptions;
import dev.switchboard.store.internal.SafeListener;
import dev.switchboard.store.internal.View;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One etcd watch. Everything below runs on the watch's own thread, which is also the only thread
 * that calls the listener: a full read at revision R (delivered as a diff against what was
 * delivered before, deletes included), then a jetcd watch from R + 1 with {@code requireLeader}.
 * A stream error resumes from the last delivered revision + 1; a compacted revision (or a failed
 * resume) falls back to a full read and diff. Each jetcd watcher carries a generation so late
 * events of a replaced watcher are dropped.
 */
final class EtcdWatch implements Watch {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdWatch.class);
  private static final long MAX_RETRY_MS = 5000;

  private final EtcdKeySpace ks;
  private final String prefix;
  private final String range;
  private final WatchOptions opts;
  private final SafeListener listener;
  private final ScheduledExecutorService thread;
  private final View view = new View();
  // confined to the watch thread
  private io.etcd.jetcd.Watch.Watcher watcher;
  private int generation;
  private long lastRevision; // last revision whose effects are delivered
  private long catchUpRevision = Long.MAX_VALUE; // synced once lastRevision reaches it
  private long retryMs;
  /** The scheduled reconnect after a failure, while one waits out its backoff. */
  private java.util.concurrent.ScheduledFuture<?> pendingRetry;
  private boolean needFullRead = true;
  private final Set<String> reportedEphemeral = new HashSet<>();
  private volatile boolean healthy;
  private volatile boolean closed;

  EtcdWatch(EtcdKeySpace ks, String prefix, WatchOptions opts, WatchListener l) {
    this.ks = ks;
    this.prefix = prefix;
    this.range = "/".equals(prefix) ? "/" : prefix + "/";
    this.opts = opts;
    this.listener = new SafeListener("etcd watch " + prefix, l);
    this.thread = Executors.newSingleThreadScheduledExecutor(Threads.daemon("switchboard-etcd-watch" + prefix));
    this.retryMs = ks.options.retryDelay().toMillis();
  }

  boolean healthy() {
    return healthy;
  }

  void start() {
    run(this::connect);
  }

  private void run(Runnable r) {
    try {
      thread.execute(
          () -> {
            if (!closed) {
              try {
                r.run();
              } catch (RuntimeException e) {
                LOG.error("etcd watch {}: unexpected failure; re-reading", prefix, e);
                failed("unexpected failure: " + e, true);
              }
            }
          });
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /** (Re)establishes delivery: a full read when needed, then a jetcd watch from lastRevision + 1. */
  private void connect() {
    if (needFullRead) {
      GetResponse r;
      try {
        r = Futures.await(
            ks.kv.get(EtcdKeySpace.bytes(range), GetOption.builder().isPrefix(true).build()),
            ks.timeoutMillis(),
            "etcd read " + prefix);
      } catch (RuntimeException e) {
        failed("full read failed: " + Futures.unwrap(e).getMessage(), true);
        return;
      }
      long rev = r.getHeader().getRevision();
      Map<String, View.Item> fresh = new HashMap<>();
      Set<String> keep = new HashSet<>();
      for (KeyValue kv : r.getKvs()) {
        String key = accept(kv, keep);
        if (key != null) {
          fresh.put(key, item(kv));
        }
      }
      List<Change> diff = view.resync(fresh, keep, rev);
      lastRevision = rev;
      needFullRead = false;
      listener.changes(diff);
      LOG.info("etcd watch {}: read {} key(s) at revision {}, delivered {} change(s)", prefix, fresh.size(), rev, diff.size());
      markSynced();
    }
    int gen = ++generation;
    WatchOption wo =
        WatchOption.builder()
            .isPrefix(true)
            .withRevision(lastRevision + 1)
            .withRequireLeader(true)
            .withCreateNotify(true)
            .withProgressNotify(true)
            .build();
    watcher =
        ks.client
            .getWatchClient()
            .watch(
                EtcdKeySpace.bytes(range),
                wo,
                new io.etcd.jetcd.Watch.Listener() {
                  @Override
                  public void onNext(WatchResponse resp) {
                    run(() -> onResponse(gen, resp));
                  }

                  @Override
                  public void onError(Throwable t) {
                    run(() -> onStreamError(gen, t));
                  }

                  @Override
                  public void onCompleted() {
                    run(() -> onStreamError(gen, null));
                  }
                });
  }

  private void onResponse(int gen, WatchResponse resp) {
    if (gen != generation) {
      return;
    }
    ks.heard(); // the stream requires a leader: any response on it proves one
    long headerRev = resp.getHeader().getRevision();
    LOG.debug("etcd watch {}: response created={} progress={} events={} header={} last={}", prefix, resp.isCreatedNotify(), resp.isProgressNotify(), resp.getEvents().size(), headerRev, lastRevision);
    if (resp.isCreatedNotify()) {
      retryMs = ks.options.retryDelay().toMillis();
      if (lastRevision >= headerRev) {
        markSynced();
      } else {
        catchUpRevision = headerRev;
        requestProgress();
      }
      return;
    }
    if (resp.isProgressNotify() || resp.getEvents().isEmpty()) {
      // etcd 3.4 may send a progress notification before the history of a resumed watcher:
      // it marks the stream alive but never advances lastRevision (events up to it may follow)
      if (!healthy) {
        markSynced();
      }
      return;
    }
    List<Change> out = new ArrayList<>();
    for (WatchEvent ev : resp.getEvents()) {
      KeyValue kv = ev.getKeyValue();
      long rev = kv.getModRevision();
      if (rev <= lastRevision) {
        continue; // already covered by a full read
      }
      if (ev.getEventType() == WatchEvent.EventType.DELETE) {
        Optional<String> problem = Keys.pathProblem(kv.getKey().getBytes());
        if (problem.isEmpty()) {
          Change c = view.delete(kv.getKey().toString(StandardCharsets.UTF_8), rev);
          if (c != null) {
            out.add(c);
          }
        }
      } else if (ev.getEventType() == WatchEvent.EventType.PUT) {
        String key = accept(kv, null);
        if (key != null) {
          Change c = view.put(key, item(kv));
          if (c != null) {
            out.add(c);
          }
        }
      }
      lastRevision = Math.max(lastRevision, rev);
    }
    listener.changes(out);
    if (!healthy && lastRevision >= catchUpRevision) {
      markSynced();
    }
  }

  private void onStreamError(int gen, Throwable t) {
    if (gen != generation || closed) {
      return;
    }
    Throwable c = t == null ? null : Futures.unwrap(t);
    String msg = c == null ? "stream completed" : String.valueOf(c.getMessage());
    boolean compacted =
        c instanceof io.etcd.jetcd.common.exception.CompactedException || msg.contains("compacted");
    if (compacted) {
      LOG.warn("etcd watch {}: revision {} compacted; re-reading and diffing", prefix, lastRevision + 1);
    }
    failed(msg, compacted);
  }

  /** Drops the current watcher, goes DISCONNECTED and retries with backoff. */
  private void failed(String why, boolean fullRead) {
    generation++;
    if (watcher != null) {
      io.etcd.jetcd.Watch.Watcher w = watcher;
      watcher = null;
      try {
        w.close();
      } catch (RuntimeException e) {
        LOG.debug("etcd watch {}: closing watcher: {}", prefix, e.toString());
      }
    }
    needFullRead |= fullRead;
    if (healthy) {
      healthy = false;
      LOG.warn("etcd watch {}: disconnected ({}); resuming from revision {}", prefix, why, lastRevision + 1);
      listener.state(StoreState.DISCONNECTED);
      ks.recomputeState();
    } else {
      LOG.debug("etcd watch {}: still failing: {}", prefix, why);
    }
    long delay = retryMs;
    retryMs = new Backoff(ks.options.retryDelay(), Duration.ofMillis(MAX_RETRY_MS)).nextMillis(retryMs);
    try {
      pendingRetry = thread.schedule(() -> run(this::connect), Backoff.jitter(delay), TimeUnit.MILLISECONDS); // spread a fleet's retries
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /**
   * The key space's probe read failed or recovered. A failed probe (no leader, no answer) makes
   * the view stale at once, before the stream itself reports anything; on recovery a progress
   * request confirms the stream is current again.
   */
  void probe(boolean ok) {
    run(
        () -> {
          if (!ok && healthy) {
            healthy = false;
            LOG.warn("etcd watch {}: etcd not answering (or no leader); view may be stale", prefix);
            listener.state(StoreState.DISCONNECTED);
          } else if (ok && !healthy && watcher != null && catchUpRevision == Long.MAX_VALUE) {
            requestProgress();
          } else if (ok && !healthy && watcher == null && pendingRetry != null && pendingRetry.cancel(false)) {
            // etcd answers again: resume now rather than wait out a backoff that grew during the outage (up to
            // MAX_RETRY_MS); the key spaces' probes are not aligned and the delay is jittered, so a fleet that lost
            // etcd together does not come back in one burst
            retryMs = ks.options.retryDelay().toMillis();
            long delay = Backoff.jitter(retryMs);
            LOG.debug("etcd watch {}: etcd answers again; resuming in {} ms", prefix, delay);
            try {
              pendingRetry = thread.schedule(() -> run(this::connect), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
              // closed
            }
          }
        });
  }

  /**
   * Asks etcd to confirm the stream is current; a watch that gets no answer within {@link #PROGRESS_TIMEOUT_MS}
   * reconnects (resuming from its last revision). A progress request can go unanswered (the likely case: sent while
   * jetcd re-creates its stream, which it does on its own), and without an answer the watch stayed unhealthy for good: in a fleet run of 300 agents on a loaded
   * machine, 94 agents kept etcd "disconnected" (and wrote no status there) for five minutes after etcd answered again.
   */
  private void requestProgress() {
    watcher.requestProgress();
    int gen = generation;
    try {
      thread.schedule(() -> run(() -> {
        if (gen == generation && !healthy && !closed) {
          LOG.info("etcd watch {}: no answer to a progress request within {} ms; reconnecting", prefix, PROGRESS_TIMEOUT_MS);
          failed("no answer to a progress request within " + PROGRESS_TIMEOUT_MS + " ms", false);
        }
      }), PROGRESS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  static final long PROGRESS_TIMEOUT_MS = 3000;

  private void markSynced() {
    catchUpRevision = Long.MAX_VALUE;
    if (!healthy) {
      healthy = true;
      listener.synced();
      listener.state(StoreState.CONNECTED);
      ks.recomputeState();
    }
  }

  /** The key if it is acceptable; else reports it (and records it in {@code keep} when it was delivered). */
  private String accept(KeyValue kv, Set<String> keep) {
    byte[] raw = kv.getKey().getBytes();
    Optional<String> problem = Keys.pathProblem(raw);
    String key = kv.getKey().toString(StandardCharsets.UTF_8);
    if (problem.isPresent()) {
      listener.skipped(key, "invalid key: " + problem.get());
      return null;
    }
    int size = kv.getValue().size();
    if (size > ks.options.maxValueBytes()) {
      listener.skipped(key, "value of " + size + " bytes > maxValueBytes " + ks.options.maxValueBytes());
      if (keep != null) {
        keep.add(key);
      }
      return null;
    }
    boolean ephemeral = kv.getLease() != 0;
    if (ephemeral && !opts.includeEphemeral() && !ks.isOwnLease(kv.getLease())) {
      if (reportedEphemeral.add(key)) {
        listener.skipped(key, "leased (ephemeral) key of another client (lease " + Long.toHexString(kv.getLease()) + ")");
      }
      return null;
    }
    return key;
  }

  private static View.Item item(KeyValue kv) {
    return new View.Item(kv.getValue().getBytes(), kv.getModRevision(), kv.getModRevision(), kv.getLease() != 0);
  }

  @Override
  public String prefix() {
    return prefix;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    healthy = false;
    ks.removed(this);
    try {
      thread.execute(
          () -> {
            if (watcher != null) {
              watcher.close();
            }
          });
    } catch (RejectedExecutionException e) {
      // already down
    }
    thread.shutdown();
  }
}
