package dev.switchboard.store.zookeeper;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ZooKeeper watch: a persistent recursive watch over the prefix (Curator {@link
 * PersistentWatcher}, re-registered after reconnects) whose events are level-triggered: each event
 * makes the watch thread read that node <em>now</em> and deliver the difference to what it
 * delivered before. A full read and diff runs at start and after every (re)connect, so deletes made
 * while disconnected are delivered, and — because every read is current — a late event can never
 * bring back an older value. This is what CuratorCache does internally, minus the window where its
 * cached copy can lag the re-read.
 */
final class ZkWatch implements Watch {
  private static final Logger LOG = LoggerFactory.getLogger(ZkWatch.class);

  private final ZooKeeperKeySpace ks;
  private final String prefix;
  private final WatchOptions opts;
  private final SafeListener listener;
  private final ScheduledExecutorService thread;
  private final View view = new View();
  private final Set<String> reported = new HashSet<>();
  private final PersistentWatcher watcher;
  private volatile boolean healthy;
  private volatile boolean closed;
  private boolean resyncQueued; // watch thread only
  private static final Backoff RETRY = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
  private long retryMs = RETRY.initial().toMillis();

  ZkWatch(ZooKeeperKeySpace ks, String prefix, WatchOptions opts, WatchListener l) {
    this.ks = ks;
    this.prefix = prefix;
    this.opts = opts;
    this.listener = new SafeListener("zookeeper watch " + prefix, l);
    this.thread = Executors.newSingleThreadScheduledExecutor(Threads.daemon("switchboard-zk-watch" + prefix));
    this.watcher = new PersistentWatcher(ks.client, prefix, true);
    watcher.getListenable().addListener(this::onEvent);
    watcher.getResetListenable().addListener(() -> resync("watch re-registered"));
  }

  boolean healthy() {
    return healthy;
  }

  void start() {
    watcher.start();
    resync("start");
  }

  private void run(Runnable r) {
    try {
      thread.execute(
          () -> {
            if (closed) {
              return;
            }
            try {
              r.run();
            } catch (RuntimeException e) {
              LOG.error("zookeeper watch {}: unexpected failure; re-reading", prefix, e);
              scheduleRetry();
            }
          });
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  private void onEvent(WatchedEvent e) {
    if (e.getType() == Watcher.Event.EventType.None || e.getPath() == null) {
      return;
    }
    String path = e.getPath();
    if (!Keys.isUnder(path, prefix)) {
      return;
    }
    // issue the read now (reads are pipelined on the session, answered in order), apply it in order
    java.util.concurrent.CompletableFuture<ZkTree.Node> read = ZkTree.readOne(ks.client, path);
    run(() -> refreshOne(path, read));
  }

  void disconnected(String why) {
    run(
        () -> {
          if (healthy) {
            healthy = false;
            LOG.warn("zookeeper watch {}: {} — view may be stale until reconnected", prefix, why);
            listener.state(StoreState.DISCONNECTED);
            ks.recomputeState();
          }
        });
  }

  void resync(String why) {
    run(
        () -> {
          if (!resyncQueued) {
            resyncQueued = true;
            run(() -> fullRead(why));
          }
        });
  }

  private void fullRead(String why) {
    resyncQueued = false;
    if (!ks.isConnected()) {
      return; // the next CONNECTED/RECONNECTED triggers it
    }
    Map<String, ZkTree.Node> nodes;
    try {
      nodes = Futures.await(ZkTree.read(ks.client, prefix), ks.timeoutMillis() * 4, "zookeeper read " + prefix);
    } catch (RuntimeException e) {
      LOG.warn("zookeeper watch {}: full read failed ({}); retrying", prefix, e.getMessage());
      scheduleRetry();
      return;
    }
    long session = ks.sessionId();
    Map<String, View.Item> fresh = new HashMap<>();
    Set<String> keep = new HashSet<>();
    for (Map.Entry<String, ZkTree.Node> e : nodes.entrySet()) {
      View.Item item = accept(e.getKey(), e.getValue(), session, keep);
      if (item != null) {
        fresh.put(e.getKey(), item);
      }
    }
    List<Change> diff = view.resync(fresh, keep, -1);
    retryMs = RETRY.initial().toMillis();
    listener.changes(diff);
    LOG.info("zookeeper watch {}: read {} node(s) ({}), delivered {} change(s)", prefix, nodes.size(), why, diff.size());
    if (!healthy) {
      healthy = true;
      listener.synced();
      listener.state(StoreState.CONNECTED);
      ks.recomputeState();
    } else {
      listener.synced();
    }
  }

  private void scheduleRetry() {
    long d = retryMs;
    retryMs = RETRY.nextMillis(retryMs);
    try {
      thread.schedule(() -> resync("retry"), Backoff.jitter(d), TimeUnit.MILLISECONDS); // spread a fleet's retries
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  private void refreshOne(String path, java.util.concurrent.CompletableFuture<ZkTree.Node> read) {
    ZkTree.Node n;
    try {
      n = Futures.await(read, ks.timeoutMillis(), "zookeeper read " + path);
    } catch (RuntimeException e) {
      LOG.warn("zookeeper watch {}: reading {} failed ({}); full re-read", prefix, path, e.getMessage());
      scheduleRetry();
      return;
    }
    Change c;
    if (n == null) {
      c = view.delete(path, -1);
    } else {
      View.Item item = accept(path, n, ks.sessionId(), null);
      if (item != null) {
        c = view.put(path, item);
      } else if (n.data().length == 0) {
        c = view.delete(path, -1); // became a directory
      } else {
        c = null;
      }
    }
    if (c != null) {
      listener.changes(List.of(c));
    }
  }

  private View.Item accept(String path, ZkTree.Node n, long session, Set<String> keep) {
    ZkNodes.Kind k =
        ZkNodes.classify(path, n.data(), n.stat(), session, ks.options.maxValueBytes(), ks.options.skipSequentialNames());
    if (k == ZkNodes.Kind.FOREIGN_EPHEMERAL && opts.includeEphemeral()) {
      k = ZkNodes.Kind.KEY;
    }
    switch (k) {
      case KEY:
        return new View.Item(n.data(), n.stat().getVersion(), n.stat().getMzxid(), ZkNodes.isEphemeral(n.stat()));
      case DIRECTORY:
        return null;
      case OVERSIZED:
        if (keep != null) {
          keep.add(path);
        }
        listener.skipped(path, ZkNodes.reason(k, path, n.data(), n.stat(), ks.options.maxValueBytes()));
        return null;
      default:
        if (reported.add(path + "@" + n.stat().getCzxid())) {
          listener.skipped(path, ZkNodes.reason(k, path, n.data(), n.stat(), ks.options.maxValueBytes()));
        }
        return null;
    }
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
      watcher.close();
    } catch (RuntimeException e) {
      LOG.debug("closing persistent watcher: {}", e.toString());
    }
    thread.shutdown();
  }
}
