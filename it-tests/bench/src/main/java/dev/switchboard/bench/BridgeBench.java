package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.Watcher;

/**
 * Issue 7 item 3 (10 writes/s only): bridge lag per direction. A real bridge process
 * ({@code switchboard.jar bridge}) between a local etcd and ZooKeeper; one write every 100 ms to one
 * store, time from the write issued to the watch event carrying that value on the other store.
 * Usage: {@code BridgeBench [writesPerDirection] [out.json]}.
 */
public final class BridgeBench {
  private BridgeBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    if (n < 1) throw new IllegalArgumentException("writesPerDirection < 1: " + n);
    Path out = Path.of(args.length > 1 ? args[1] : "target/results/bridge.json");
    if (System.getProperty("switchboard.testkit") == null) System.setProperty("switchboard.testkit", "local");
    Path logs = out.toAbsolutePath().getParent().resolve("logs");
    Map<String, Object> r = new LinkedHashMap<>();
    EtcdCluster etcd = EtcdCluster.single();
    ZooKeeperEnsemble zk = ZooKeeperEnsemble.servers(1);
    try {
      etcd.start();
      zk.start();
      Path cfg = Files.createTempDirectory("switchboard-bench-bridge-").resolve("bridge.yaml");
      Files.writeString(cfg, "root: /switchboard\nid: bench-bridge\netcd: {endpoints: [" + etcd.endpoints() + "]}\n"
          + "zookeeper: {connect: \"" + zk.connectString() + "\"}\nhttp: {listen: \"127.0.0.1:0\"}\n");
      String key = "/switchboard/services/bench/plugins/p/config";
      ByteSequence k = ByteSequence.from(key, StandardCharsets.UTF_8);
      try (Proc bridge = Proc.start("bridge", logs, Proc.java("-jar", BenchDist.cli().toString(), "bridge", "--config", cfg.toString()));
          Client etcdClient = Client.builder().endpoints(etcd.endpoints().split(",")).build();
          CuratorFramework c = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
        bridge.await("^HTTP (\\d+)", Duration.ofSeconds(60));
        c.start();
        if (!c.blockUntilConnected(30, TimeUnit.SECONDS)) throw new IllegalStateException("ZooKeeper not connected");
        BlockingQueue<long[]> zkEvents = new LinkedBlockingQueue<>();
        Watcher w = e -> {
          if (e.getType() == Watcher.Event.EventType.NodeDataChanged || e.getType() == Watcher.Event.EventType.NodeCreated) {
            zkEvents.add(new long[] {System.nanoTime()});
          }
        };
        c.getZookeeperClient().getZooKeeper().addWatch(key, w, AddWatchMode.PERSISTENT);
        BlockingQueue<Object[]> etcdEvents = new LinkedBlockingQueue<>();
        try (Watch.Watcher ew = etcdClient.getWatchClient().watch(k, Watch.listener(resp -> {
          long t = System.nanoTime();
          resp.getEvents().forEach(ev -> etcdEvents.add(new Object[] {t, ev.getKeyValue().getValue().toString(StandardCharsets.UTF_8)}));
        }))) {
          // warm-up: the key exists on both sides once the bridge is leader and copying
          long tw = System.nanoTime();
          etcdClient.getKVClient().put(k, ByteSequence.from("{\"w\":0}", StandardCharsets.UTF_8)).get(15, TimeUnit.SECONDS);
          while (true) {
            if (c.checkExists().forPath(key) != null && new String(c.getData().forPath(key), StandardCharsets.UTF_8).equals("{\"w\":0}")) break;
            if (System.nanoTime() - tw > TimeUnit.SECONDS.toNanos(60)) throw new IllegalStateException("bridge did not copy the warm-up key within 60 s");
            Thread.sleep(50);
          }
          r.put("bridge_ready_and_first_copy_ms", Stats.round((System.nanoTime() - tw) / 1e6));
          Thread.sleep(1000);
          List<Long> e2z = new ArrayList<>();
          List<Long> z2e = new ArrayList<>();
          long next = System.nanoTime();
          for (int i = 0; i < n; i++) {
            next += 100_000_000L;
            String v = "{\"e2z\":" + i + "}";
            zkEvents.clear();
            long t0 = System.nanoTime();
            etcdClient.getKVClient().put(k, ByteSequence.from(v, StandardCharsets.UTF_8)).get(15, TimeUnit.SECONDS);
            e2z.add(awaitZk(c, key, v, zkEvents) - t0);
            sleepUntil(next);
          }
          for (int i = 0; i < n; i++) {
            next += 100_000_000L;
            String v = "{\"z2e\":" + i + "}";
            long t0 = System.nanoTime();
            c.setData().forPath(key, v.getBytes(StandardCharsets.UTF_8));
            z2e.add(awaitEtcd(v, etcdEvents) - t0);
            sleepUntil(next);
          }
          Stats a = Stats.ofNanos(e2z);
          Stats b = Stats.ofNanos(z2e);
          System.out.printf("bridge lag at 10 writes/s, etcd -> ZooKeeper: %s%nbridge lag at 10 writes/s, ZooKeeper -> etcd: %s%n", a, b);
          r.put("writes_per_second", 10);
          r.put("etcd_to_zookeeper", a.json());
          r.put("zookeeper_to_etcd", b.json());
          // same-run baseline on the same servers: raw write -> watch event on each store
          Stats rawEtcd = Stats.ofNanos(RawWatchBaseline.etcd(etcd.endpoints(), n).get(0));
          Stats rawZk = Stats.ofNanos(RawWatchBaseline.zookeeper(zk.connectString(), n).get(0));
          System.out.printf("raw watch etcd: %s; raw watch ZooKeeper: %s%n", rawEtcd, rawZk);
          r.put("baseline_raw_watch_etcd", rawEtcd.json());
          r.put("baseline_raw_watch_zookeeper", rawZk.json());
        }
      }
    } finally {
      zk.close();
      etcd.close();
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), r);
    System.out.println("written " + out.toAbsolutePath());
  }

  private static long awaitZk(CuratorFramework c, String key, String v, BlockingQueue<long[]> events) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      long[] e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (e == null) throw new IllegalStateException("value " + v + " did not reach ZooKeeper within 30 s");
      if (Arrays.equals(c.getData().forPath(key), v.getBytes(StandardCharsets.UTF_8))) return e[0];
    }
  }

  private static long awaitEtcd(String v, BlockingQueue<Object[]> events) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Object[] e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (e == null) throw new IllegalStateException("value " + v + " did not reach etcd within 30 s");
      if (v.equals(e[1])) return (Long) e[0];
    }
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) TimeUnit.NANOSECONDS.sleep(left);
  }
}
