package dev.switchboard.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.Watcher;

/**
 * Same-run baseline: raw etcd put→watch-event (jetcd) and ZooKeeper setData→watch-event (Curator,
 * persistent watch) latency, measured from just before the write is issued (the event may arrive
 * before the write's response), one write at a time.
 */
final class RawWatchBaseline {
  private RawWatchBaseline() {}

  /** [0] = write issued → event, [1] = write round trip. */
  static List<List<Long>> etcd(String endpoints, int n) throws Exception {
    List<Long> lat = new ArrayList<>();
    List<Long> rtt = new ArrayList<>();
    BlockingQueue<Long> events = new LinkedBlockingQueue<>();
    try (Client client = Client.builder().endpoints(endpoints.split(",")).build()) {
      ByteSequence key = ByteSequence.from("/bench/raw-watch", StandardCharsets.UTF_8);
      client.getKVClient().put(key, ByteSequence.from("warm", StandardCharsets.UTF_8)).get(15, TimeUnit.SECONDS);
      try (Watch.Watcher w = client.getWatchClient().watch(key, Watch.listener(r -> {
        long t = System.nanoTime();
        for (int i = 0; i < r.getEvents().size(); i++) events.add(t);
      }))) {
        Thread.sleep(500); // let the watch be established
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime();
          client.getKVClient().put(key, ByteSequence.from("v" + i, StandardCharsets.UTF_8)).get(15, TimeUnit.SECONDS);
          long t1 = System.nanoTime();
          Long te = events.poll(15, TimeUnit.SECONDS);
          if (te == null) throw new IllegalStateException("etcd watch event " + i + " not received within 15 s");
          lat.add(te - t0);
          rtt.add(t1 - t0);
          Thread.sleep(5);
        }
      }
    }
    return List.of(lat, rtt);
  }

  static List<List<Long>> zookeeper(String connect, int n) throws Exception {
    List<Long> lat = new ArrayList<>();
    List<Long> rtt = new ArrayList<>();
    BlockingQueue<Long> events = new LinkedBlockingQueue<>();
    try (CuratorFramework c = CuratorFrameworkFactory.newClient(connect, new RetryOneTime(100))) {
      c.start();
      if (!c.blockUntilConnected(30, TimeUnit.SECONDS)) throw new IllegalStateException("ZooKeeper not connected: " + connect);
      String path = "/bench/raw-watch";
      if (c.checkExists().forPath(path) == null) c.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
      Watcher watcher = e -> {
        if (e.getType() == Watcher.Event.EventType.NodeDataChanged) events.add(System.nanoTime());
      };
      c.getZookeeperClient().getZooKeeper().addWatch(path, watcher, AddWatchMode.PERSISTENT);
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        c.setData().forPath(path, ("v" + i).getBytes(StandardCharsets.UTF_8));
        long t1 = System.nanoTime();
        Long te = events.poll(15, TimeUnit.SECONDS);
        if (te == null) throw new IllegalStateException("ZooKeeper watch event " + i + " not received within 15 s");
        lat.add(te - t0);
        rtt.add(t1 - t0);
        Thread.sleep(5);
      }
    }
    return List.of(lat, rtt);
  }
}
