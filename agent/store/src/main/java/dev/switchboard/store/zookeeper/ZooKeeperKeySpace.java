package dev.switchboard.store.zookeeper;

import dev.switchboard.store.Entry;
import dev.switchboard.store.Futures;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.Keys;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.Threads;
import dev.switchboard.store.Watch;
import dev.switchboard.store.WatchListener;
import dev.switchboard.store.WatchOptions;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.store.internal.KeyedSequencer;
import dev.switchboard.store.internal.StateCell;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KeySpace} over ZooKeeper through Curator. Internal: obtain it from {@code
 * KeySpaces.zookeeper(...)}.
 *
 * <p>A key is a znode with non-empty data; an empty or CONTAINER znode is a directory. Versions
 * are {@code Stat.version}. Parents are created as CONTAINER nodes (ZooKeeper removes them when
 * their last child goes). Live keys are EPHEMERAL {@link PersistentNode}s, re-created by Curator
 * after a session loss. SUSPENDED and LOST make the state DISCONNECTED; RECONNECTED makes every
 * watch re-read and diff before it reports CONNECTED again.
 */
public final class ZooKeeperKeySpace implements KeySpace {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperKeySpace.class);

  final ZooKeeperOptions options;
  final CuratorFramework client;
  final StateCell state = new StateCell("zookeeper");
  private final ExecutorService ops;
  private final Set<ZkWatch> watches = ConcurrentHashMap.newKeySet();
  private final Map<String, PersistentNode> live = new ConcurrentHashMap<>();
  /** Live writes of one key are applied in the order they were made (the op pool has 8 threads). */
  private final KeyedSequencer liveOrder = new KeyedSequencer();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean connected;
  private volatile String problem;

  private ZooKeeperKeySpace(ZooKeeperOptions options) {
    this.options = options;
    this.ops = Executors.newFixedThreadPool(8, Threads.daemon("switchboard-zk-op"));
    this.client = dev.switchboard.store.StoreClients.zookeeper(options);
    client.getConnectionStateListenable().addListener((c, s) -> onConnectionState(s));
    client.getCuratorListenable().addListener((c, event) -> {
      org.apache.zookeeper.WatchedEvent w = event.getWatchedEvent();
      if (w != null && w.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.AuthFailed) {
        String p = "authentication failed: wrong user or password for " + identity() + " (check sasl/digest user and passwordFile)";
        if (!p.equals(problem)) {
          LOG.warn("zookeeper {}: {}", options.connectString(), p);
        }
        problem = p;
      } else if (w != null && w.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected && problem != null && connected) {
        problem = null;
      }
    });
    client.start();
  }

  /** Opens a key space; the client connects in the background. */
  public static ZooKeeperKeySpace open(ZooKeeperOptions options) {
    return new ZooKeeperKeySpace(options);
  }

  private void onConnectionState(ConnectionState s) {
    LOG.info("zookeeper {}: connection {}", options.connectString(), s);
    switch (s) {
      case CONNECTED, RECONNECTED -> {
        connected = true;
        for (ZkWatch w : watches) {
          w.resync("connection " + s);
        }
      }
      case SUSPENDED, LOST, READ_ONLY -> {
        connected = false;
        for (ZkWatch w : watches) {
          w.disconnected(s.toString());
        }
      }
      default -> {}
    }
    recomputeState();
  }

  void recomputeState() {
    if (closed.get()) {
      return;
    }
    if (connected && watches.stream().allMatch(ZkWatch::healthy)) {
      state.set(StoreState.CONNECTED);
    } else if (state.get() == StoreState.CONNECTED) {
      state.set(StoreState.DISCONNECTED);
    }
  }

  boolean isConnected() {
    return connected;
  }

  long sessionId() {
    try {
      return client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      return -1;
    }
  }

  long timeoutMillis() {
    return options.operationTimeout().toMillis();
  }

  private <T> CompletableFuture<T> async(String what, Callable<T> body) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new StoreException(StoreException.Code.CLOSED, "zookeeper key space is closed"));
    }
    CompletableFuture<T> f =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return body.call();
              } catch (RuntimeException e) {
                throw e;
              } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            },
            ops);
    return Futures.guard(f, timeoutMillis(), what, t -> map(what, t));
  }

  private String identity() {
    if (options.saslUser() != null) {
      return "sasl:" + options.saslUser();
    }
    if (options.digestUser() != null) {
      return "digest:" + options.digestUser();
    }
    return "anonymous";
  }

  @Override
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  StoreException map(String what, Throwable t) {
    if (t instanceof KeeperException ke) {
      return switch (ke.code()) {
        case CONNECTIONLOSS, SESSIONEXPIRED, OPERATIONTIMEOUT, SESSIONMOVED ->
            new StoreException(StoreException.Code.UNAVAILABLE, what + " at " + options.connectString() + ": " + ke.getMessage(), t);
        case NOAUTH ->
            new StoreException(StoreException.Code.REJECTED, what + ": permission denied: this client's identity ("
                + identity() + ") lacks the permission on the node's ACL (see the roles in docs/security.md) [" + ke.getMessage() + "]", t);
        case AUTHFAILED ->
            new StoreException(StoreException.Code.REJECTED, what + ": authentication failed: wrong user or password (check sasl/digest user and passwordFile) [" + ke.getMessage() + "]", t);
        case NOCHILDRENFOREPHEMERALS, INVALIDACL ->
            new StoreException(StoreException.Code.REJECTED, what + ": " + ke.getMessage(), t);
        default -> new StoreException(StoreException.Code.INTERNAL, what + ": " + ke.getMessage(), t);
      };
    }
    return new StoreException(StoreException.Code.INTERNAL, what + ": " + t, t);
  }

  private void checkValue(String key, byte[] value) {
    if (value.length > options.maxValueBytes()) {
      throw new StoreException(
          StoreException.Code.VALUE_TOO_LARGE, key + ": value of " + value.length + " bytes > maxValueBytes " + options.maxValueBytes());
    }
    if (value.length == 0) {
      throw new StoreException(
          StoreException.Code.REJECTED, key + ": empty value (an empty znode is a directory in ZooKeeper, not a key)");
    }
  }

  @Override
  public String storeName() {
    return "zookeeper";
  }

  @Override
  public String endpoints() {
    return options.connectString();
  }

  @Override
  public StoreState state() {
    return state.get();
  }

  @Override
  public void addStateListener(Consumer<StoreState> listener) {
    state.addListener(listener);
  }

  @Override
  public CompletableFuture<Optional<Entry>> get(String key) {
    Keys.requirePath(key);
    return Futures.guard(ZkTree.readOne(client, key), timeoutMillis(), "get " + key, t -> map("get " + key, t))
        .thenApply(
            n -> {
              if (n == null || n.data().length == 0 || n.stat().getEphemeralOwner() == ZkNodes.CONTAINER_OWNER) {
                return Optional.empty();
              }
              if (n.data().length > options.maxValueBytes()) {
                throw new StoreException(StoreException.Code.VALUE_TOO_LARGE, key + ": value of " + n.data().length + " bytes > maxValueBytes " + options.maxValueBytes());
              }
              return Optional.of(new Entry(key, n.data(), n.stat().getVersion(), ZkNodes.isEphemeral(n.stat()), n.stat().getMzxid()));
            });
  }

  @Override
  public CompletableFuture<List<Entry>> list(String prefix) {
    Keys.requirePrefix(prefix);
    return Futures.guard(ZkTree.read(client, prefix), timeoutMillis() * 4, "list " + prefix, t -> map("list " + prefix, t))
        .thenApply(
            nodes -> {
              List<Entry> out = new ArrayList<>();
              for (Map.Entry<String, ZkTree.Node> e : nodes.entrySet()) {
                String p = e.getKey();
                ZkTree.Node n = e.getValue();
                ZkNodes.Kind k = ZkNodes.classify(p, n.data(), n.stat(), sessionId(), options.maxValueBytes(), options.skipSequentialNames());
                if (k == ZkNodes.Kind.KEY || k == ZkNodes.Kind.FOREIGN_EPHEMERAL) {
                  out.add(new Entry(p, n.data(), n.stat().getVersion(), ZkNodes.isEphemeral(n.stat()), n.stat().getMzxid()));
                } else if (k != ZkNodes.Kind.DIRECTORY) {
                  LOG.warn("zookeeper list {}: skipped {}: {}", prefix, p, ZkNodes.reason(k, p, n.data(), n.stat(), options.maxValueBytes()));
                }
              }
              out.sort(Comparator.comparing(Entry::key));
              return out;
            });
  }

  @Override
  public CompletableFuture<Entry> put(String key, byte[] value) {
    Keys.requirePath(key);
    checkValue(key, value);
    byte[] copy = value.clone();
    return async(
        "put " + key,
        () -> ZkWrites.put(client, key, copy));
  }

  @Override
  public CompletableFuture<Boolean> putIfVersion(String key, byte[] value, long expectedVersion) {
    Keys.requirePath(key);
    checkValue(key, value);
    byte[] copy = value.clone();
    if (expectedVersion == ABSENT) {
      // a create may need its parents first: Curator would make them with blocking calls on its one
      // background thread, which serialises every new key behind the others; the op pool does not
      return async("putIfVersion " + key, () -> ZkWrites.putIfVersion(client, key, copy, expectedVersion));
    }
    return fenced("putIfVersion " + key, key, copy, expectedVersion, () -> ZkWrites.putIfVersion(client, key, copy, expectedVersion));
  }

  @Override
  public CompletableFuture<java.util.OptionalLong> writeIfVersion(String key, byte[] value, long expectedVersion) {
    Keys.requirePath(key);
    byte[] copy = value == null ? null : value.clone();
    if (copy != null) {
      checkValue(key, copy);
    }
    String what = (copy == null ? "deleteIfVersion " : "putIfVersion ") + key;
    Callable<Long> slow = () -> ZkWrites.writeIfVersion(client, key, copy, expectedVersion);
    CompletableFuture<Long> r;
    if (expectedVersion == ABSENT) {
      r = async(what, slow); // creates may need parents: on the op pool (see putIfVersion)
    } else if (closed.get()) {
      return CompletableFuture.failedFuture(new StoreException(StoreException.Code.CLOSED, "zookeeper key space is closed"));
    } else {
      r = Futures.guard(ZkWrites.fencedRevisionInBackground(client, key, copy, expectedVersion), timeoutMillis(), what, t -> map(what, t))
          .thenCompose(done -> done != null ? CompletableFuture.completedFuture(done) : async(what, slow));
    }
    return r.thenApply(rev -> rev == ZkWrites.FAILED ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(rev));
  }

  /** A fenced write as a background request; only its rare slow path runs on the op pool. */
  private CompletableFuture<Boolean> fenced(String what, String key, byte[] value, long expectedVersion, Callable<Boolean> slow) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new StoreException(StoreException.Code.CLOSED, "zookeeper key space is closed"));
    }
    CompletableFuture<Boolean> fast = Futures.guard(ZkWrites.fencedInBackground(client, key, value, expectedVersion), timeoutMillis(), what, t -> map(what, t));
    return fast.thenCompose(done -> done != null ? CompletableFuture.completedFuture(done) : async(what, slow));
  }

  @Override
  public CompletableFuture<Boolean> delete(String key) {
    Keys.requirePath(key);
    return async(
        "delete " + key,
        () -> ZkWrites.delete(client, key));
  }

  @Override
  public CompletableFuture<Boolean> deleteIfVersion(String key, long expectedVersion) {
    Keys.requirePath(key);
    if (expectedVersion == ABSENT) {
      return async("deleteIfVersion " + key, () -> ZkWrites.deleteIfVersion(client, key, expectedVersion));
    }
    return fenced("deleteIfVersion " + key, key, null, expectedVersion, () -> ZkWrites.deleteIfVersion(client, key, expectedVersion));
  }

  @Override
  public CompletableFuture<Void> putLive(String key, byte[] value) {
    Keys.requirePath(key);
    checkValue(key, value);
    byte[] copy = value.clone();
    return liveOrder.submit(key, () -> async(
        "putLive " + key,
        () -> {
          PersistentNode n = live.get(key);
          if (n != null) {
            n.setData(copy);
            return null;
          }
          n = new PersistentNode(client, CreateMode.EPHEMERAL, false, key, copy, true);
          PersistentNode prev = live.putIfAbsent(key, n);
          if (prev != null) {
            prev.setData(copy);
            return null;
          }
          n.start();
          if (!n.waitForInitialCreate(timeoutMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("zookeeper live key {} not created yet; Curator keeps trying", key);
          }
          return null;
        }).thenApply(x -> (Void) null));
  }

  @Override
  public CompletableFuture<Void> deleteLive(String key) {
    Keys.requirePath(key);
    return liveOrder.submit(
        key,
        () ->
            async(
                "deleteLive " + key,
                () -> {
                  PersistentNode n = live.remove(key);
                  if (n != null) {
                    n.close();
                  }
                  return (Void) null;
                }));
  }

  @Override
  public Watch watch(String prefix, WatchListener listener) {
    return watch(prefix, WatchOptions.DEFAULTS, listener);
  }

  @Override
  public Watch watch(String prefix, WatchOptions opts, WatchListener listener) {
    if (closed.get()) {
      throw new StoreException(StoreException.Code.CLOSED, "zookeeper key space is closed");
    }
    Keys.requirePrefix(prefix);
    ZkWatch w = new ZkWatch(this, prefix, opts, listener);
    watches.add(w);
    w.start();
    return w;
  }

  void removed(ZkWatch w) {
    watches.remove(w);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (ZkWatch w : List.copyOf(watches)) {
      w.close();
    }
    for (PersistentNode n : live.values()) {
      try {
        n.close();
      } catch (Exception e) {
        LOG.debug("closing live node: {}", e.toString());
      }
    }
    live.clear();
    ops.shutdownNow();
    state.set(StoreState.CLOSED);
    client.close();
  }
}
