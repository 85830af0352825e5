package dev.switchboard.store.zookeeper;

import dev.switchboard.store.Entry;
import dev.switchboard.store.KeySpace;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The key space's writes as ZooKeeper operations. A key is a znode with data; an empty znode is a
 * directory, which counts as absent. Parents are CONTAINER nodes. Fenced writes use the znode
 * version ({@code setData/delete().withVersion}) or a {@code create} that fails if the node exists.
 */
final class ZkWrites {
  private ZkWrites() {}

  /**
   * The usual cases of a fenced write as one pipelined background request (no thread of the
   * key space's op pool waits on it): {@code setData/delete().withVersion(v)} and the {@code
   * create} of an absent key. Completes with the outcome, or with {@code null} when the rarer slow
   * path must decide (a directory to fill, a key with children to empty): the caller then runs
   * {@link #putIfVersion}/{@link #deleteIfVersion}.
   */
  static CompletableFuture<Boolean> fencedInBackground(CuratorFramework client, String key, byte[] value, long expectedVersion) {
    return fencedRevisionInBackground(client, key, value, expectedVersion).thenApply(r -> r == null ? null : r != FAILED);
  }

  /** Outcome of a fenced write whose condition failed (a revision otherwise: mzxid, ABSENT after a delete). */
  static final long FAILED = Long.MIN_VALUE;

  /**
   * {@link #fencedInBackground} reporting the revision (mzxid) the write produced ({@link
   * KeySpace#ABSENT} after a delete), {@link #FAILED} when its condition failed, or {@code null}
   * when the slow path ({@link #writeIfVersion}) must decide.
   */
  static CompletableFuture<Long> fencedRevisionInBackground(CuratorFramework client, String key, byte[] value, long expectedVersion) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    Stat created = new Stat();
    BackgroundCallback cb =
        (c, event) -> {
          int rc = event.getResultCode();
          if (rc == KeeperException.Code.OK.intValue()) {
            if (value == null) {
              f.complete(KeySpace.ABSENT);
            } else {
              Stat s = expectedVersion == KeySpace.ABSENT ? created : event.getStat();
              f.complete(s == null || s.getMzxid() == 0 ? null : s.getMzxid()); // no stat: the slow path reads it
            }
          } else if (rc == KeeperException.Code.BADVERSION.intValue() || rc == KeeperException.Code.NONODE.intValue() && expectedVersion != KeySpace.ABSENT) {
            f.complete(FAILED);
          } else if (rc == KeeperException.Code.NODEEXISTS.intValue() || rc == KeeperException.Code.NOTEMPTY.intValue()
              || rc == KeeperException.Code.NONODE.intValue()) { // a parent container removed meanwhile: the slow path re-creates it
            f.complete(null);
          } else {
            f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), key));
          }
        };
    try {
      if (value == null) {
        client.delete().withVersion((int) expectedVersion).inBackground(cb).forPath(key);
      } else if (expectedVersion == KeySpace.ABSENT) {
        client.create().storingStatIn(created).withMode(CreateMode.PERSISTENT).inBackground(cb).forPath(key, value); // NONODE (no parent): slow path
      } else {
        client.setData().withVersion((int) expectedVersion).inBackground(cb).forPath(key, value);
      }
    } catch (Exception e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  /**
   * The blocking form of a fenced write ({@code value} null: delete) reporting its revision: the
   * mzxid the write produced, {@link KeySpace#ABSENT} after a delete, {@link #FAILED} when the
   * condition failed. Same rules as {@link #putIfVersion}/{@link #deleteIfVersion}.
   */
  static long writeIfVersion(CuratorFramework client, String key, byte[] value, long expectedVersion) throws Exception {
    if (value == null) {
      return deleteIfVersion(client, key, expectedVersion) ? KeySpace.ABSENT : FAILED;
    }
    if (expectedVersion == KeySpace.ABSENT) {
      Stat created = new Stat();
      try {
        client.create().creatingParentContainersIfNeeded().storingStatIn(created).forPath(key, value);
        return created.getMzxid();
      } catch (KeeperException.NoNodeException parentGone) {
        return FAILED; // a parent removed between its creation and the create (an emptied container, another client): re-read and decide again
      } catch (KeeperException.NodeExistsException e) {
        Stat s = new Stat();
        byte[] d;
        try {
          d = client.getData().storingStatIn(s).forPath(key);
        } catch (KeeperException.NoNodeException deletedMeanwhile) {
          return FAILED; // created and deleted by someone else since: the key changed under the write
        }
        if (d != null && d.length > 0) {
          return FAILED;
        }
        try {
          return client.setData().withVersion(s.getVersion()).forPath(key, value).getMzxid();
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException race) {
          return FAILED;
        }
      }
    }
    try {
      return client.setData().withVersion((int) expectedVersion).forPath(key, value).getMzxid();
    } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
      return FAILED;
    }
  }

  static Entry put(CuratorFramework client, String key, byte[] value) throws Exception {
    while (true) {
      try {
        Stat s = client.setData().forPath(key, value);
        return new Entry(key, value, s.getVersion());
      } catch (KeeperException.NoNodeException e) {
        try {
          client.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT).forPath(key, value);
          return new Entry(key, value, 0);
        } catch (KeeperException.NodeExistsException race) {
          // created in between: set it
        }
      }
    }
  }

  static boolean putIfVersion(CuratorFramework client, String key, byte[] value, long expectedVersion) throws Exception {
    if (expectedVersion == KeySpace.ABSENT) {
      try {
        client.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT).forPath(key, value);
        return true;
      } catch (KeeperException.NoNodeException parentGone) {
        return false; // a parent removed meanwhile: the caller re-reads
      } catch (KeeperException.NodeExistsException e) {
        // a directory (empty data) counts as absent: fill it, fenced on its version
        Stat s = new Stat();
        byte[] d;
        try {
          d = client.getData().storingStatIn(s).forPath(key);
        } catch (KeeperException.NoNodeException deletedMeanwhile) {
          return false;
        }
        if (d != null && d.length > 0) {
          return false;
        }
        try {
          client.setData().withVersion(s.getVersion()).forPath(key, value);
          return true;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException race) {
          return false;
        }
      }
    }
    try {
      client.setData().withVersion((int) expectedVersion).forPath(key, value);
      return true;
    } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
      return false;
    }
  }

  static boolean delete(CuratorFramework client, String key) throws Exception {
    Stat s = client.checkExists().forPath(key);
    if (s == null) {
      return false;
    }
    return deleteFenced(client, key, s.getVersion());
  }

  static boolean deleteIfVersion(CuratorFramework client, String key, long expectedVersion) throws Exception {
    if (expectedVersion == KeySpace.ABSENT) {
      Stat s = new Stat();
      try {
        byte[] d = client.getData().storingStatIn(s).forPath(key);
        return d == null || d.length == 0;
      } catch (KeeperException.NoNodeException e) {
        return true;
      }
    }
    return deleteFenced(client, key, expectedVersion);
  }

  /** Deletes a key; a key with children becomes a directory (empty data) instead. */
  private static boolean deleteFenced(CuratorFramework client, String key, long version) throws Exception {
    try {
      client.delete().withVersion((int) version).forPath(key);
      return true;
    } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
      return false;
    } catch (KeeperException.NotEmptyException e) {
      try {
        client.setData().withVersion((int) version).forPath(key, new byte[0]);
        return true;
      } catch (KeeperException.BadVersionException | KeeperException.NoNodeException race) {
        return false;
      }
    }
  }
}
