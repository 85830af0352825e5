package dev.switchboard.store.zookeeper;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Reads a whole subtree with pipelined background calls (one getData + one getChildren per node,
 * all in flight at once on the one connection): a thousand nodes cost about one round trip's
 * latency times the tree depth, not a thousand round trips.
 */
final class ZkTree {
  /** One znode as read. */
  record Node(byte[] data, Stat stat) {}

  private ZkTree() {}

  /** Every znode strictly under {@code root} (the root itself excluded); empty map when root is absent. */
  static CompletableFuture<Map<String, Node>> read(CuratorFramework client, String root) {
    Map<String, Node> out = new ConcurrentHashMap<>();
    CompletableFuture<Map<String, Node>> done = new CompletableFuture<>();
    AtomicInteger pending = new AtomicInteger(1);
    children(client, root, out, pending, done);
    return done;
  }

  private static void finish(AtomicInteger pending, CompletableFuture<Map<String, Node>> done, Map<String, Node> out) {
    if (pending.decrementAndGet() == 0) {
      done.complete(out);
    }
  }

  private static void children(
      CuratorFramework client, String path, Map<String, Node> out, AtomicInteger pending, CompletableFuture<Map<String, Node>> done) {
    try {
      client
          .getChildren()
          .inBackground(
              (c, event) -> {
                int rc = event.getResultCode();
                if (rc == KeeperException.Code.OK.intValue()) {
                  for (String child : event.getChildren()) {
                    String p = "/".equals(path) ? "/" + child : path + "/" + child;
                    if (p.equals("/zookeeper")) {
                      continue; // ZooKeeper's own subtree
                    }
                    pending.addAndGet(2);
                    data(client, p, out, pending, done);
                    children(client, p, out, pending, done);
                  }
                } else if (rc != KeeperException.Code.NONODE.intValue()) {
                  done.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
                }
                finish(pending, done, out);
              })
          .forPath(path);
    } catch (Exception e) {
      done.completeExceptionally(e);
    }
  }

  private static void data(
      CuratorFramework client, String path, Map<String, Node> out, AtomicInteger pending, CompletableFuture<Map<String, Node>> done) {
    try {
      client
          .getData()
          .inBackground(
              (c, event) -> {
                int rc = event.getResultCode();
                if (rc == KeeperException.Code.OK.intValue()) {
                  byte[] d = event.getData();
                  out.put(path, new Node(d == null ? new byte[0] : d, event.getStat()));
                } else if (rc != KeeperException.Code.NONODE.intValue()) {
                  done.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
                }
                finish(pending, done, out);
              })
          .forPath(path);
    } catch (Exception e) {
      done.completeExceptionally(e);
    }
  }

  /** One node, or null when absent. */
  static CompletableFuture<Node> readOne(CuratorFramework client, String path) {
    CompletableFuture<Node> f = new CompletableFuture<>();
    try {
      client
          .getData()
          .inBackground(
              (c, event) -> {
                int rc = event.getResultCode();
                if (rc == KeeperException.Code.OK.intValue()) {
                  byte[] d = event.getData();
                  f.complete(new Node(d == null ? new byte[0] : d, event.getStat()));
                } else if (rc == KeeperException.Code.NONODE.intValue()) {
                  f.complete(null);
                } else {
                  f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
                }
              })
          .forPath(path);
    } catch (Exception e) {
      f.completeExceptionally(e);
    }
    return f;
  }
}
