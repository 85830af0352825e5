package dev.switchboard.store.zookeeper;

import dev.switchboard.store.StoreException;
import dev.switchboard.store.Threads;
import dev.switchboard.store.ZooKeeperOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.client.ZKClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds Curator clients for {@code StoreClients.zookeeper}. */
public final class ZkClients {
  private static final Logger LOG = LoggerFactory.getLogger(ZkClients.class);
  private static final ScheduledExecutorService FILES = Executors.newSingleThreadScheduledExecutor(Threads.daemon("switchboard-zk-tls-files"));

  private ZkClients() {}

  /** A Curator client (not started) with the options' timeouts, retry and security. */
  public static CuratorFramework build(ZooKeeperOptions o) {
    Path tlsDir = null;
    if (o.tls() != null) {
      try {
        tlsDir = Files.createTempDirectory("switchboard-zk-tls", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new StoreException(StoreException.Code.REJECTED, "zookeeper TLS: cannot create a private directory: " + e, e);
      }
    }
    ZKClientConfig config = ZkSecurity.clientConfig(o, tlsDir);
    CuratorFrameworkFactory.Builder b =
        CuratorFrameworkFactory.builder()
            .connectString(o.connectString())
            .sessionTimeoutMs((int) o.sessionTimeout().toMillis())
            .connectionTimeoutMs((int) o.connectionTimeout().toMillis())
            .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 5))
            .zkClientConfig(config)
            .aclProvider(ZkSecurity.aclProvider(o));
    if (o.digestUser() != null) {
      char[] pw = o.digestPassword().read();
      b.authorization("digest", (o.digestUser() + ":" + new String(pw)).getBytes(StandardCharsets.UTF_8));
      java.util.Arrays.fill(pw, '\0');
    }
    CuratorFramework client = b.build();
    if (tlsDir != null) {
      watchTlsFiles(o, tlsDir, client, config);
    } else {
      client.getConnectionStateListenable().addListener((c, s) -> {
        if (c.getState() == CuratorFrameworkState.STOPPED) {
          ZkSecurity.forget(config);
        }
      });
    }
    return client;
  }

  /** Rewrites the key store files ZooKeeper reads when the PEM sources change (rotation). */
  private static void watchTlsFiles(ZooKeeperOptions o, Path dir, CuratorFramework client, ZKClientConfig config) {
    AtomicReference<String> stamp = new AtomicReference<>(stamp(o));
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    task.set(FILES.scheduleWithFixedDelay(() -> {
      if (client.getState() == CuratorFrameworkState.STOPPED) {
        ZkSecurity.forget(config);
        try (var files = Files.list(dir)) {
          files.forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          LOG.debug("zookeeper TLS: cleaning {}: {}", dir, e.toString());
        }
        dir.toFile().delete();
        task.get().cancel(false);
        return;
      }
      String now = stamp(o);
      if (now.equals(stamp.get())) {
        return;
      }
      try {
        ZkSecurity.writeKeyStores(o, dir);
        stamp.set(now);
        LOG.info("zookeeper: TLS files reloaded ({}); used from the next connection", o.tls());
      } catch (StoreException e) {
        LOG.warn("zookeeper: TLS files changed but cannot be loaded, keeping the previous ones: {}", e.getMessage());
        stamp.set(now);
      }
    }, 500, 500, TimeUnit.MILLISECONDS));
  }

  private static String stamp(ZooKeeperOptions o) {
    StringBuilder b = new StringBuilder();
    for (Path p : new Path[] {o.tls().ca(), o.tls().cert(), o.tls().key()}) {
      if (p != null) {
        try {
          b.append(Files.getLastModifiedTime(p).toMillis()).append('/').append(Files.size(p)).append(';');
        } catch (IOException e) {
          b.append("missing;");
        }
      }
    }
    return b.toString();
  }
}
