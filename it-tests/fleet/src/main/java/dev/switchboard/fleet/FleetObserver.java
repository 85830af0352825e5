package dev.switchboard.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.store.Change;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.Watch;
import dev.switchboard.store.WatchListener;
import dev.switchboard.store.WatchOptions;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Watches the fleet's status keys in one store, as an operator's console would, and keeps the latest status of each
 * node's plugin and agent with the wall-clock time it arrived here. Waiting methods re-check their condition on
 * every change (no polling, no sleeps) and fail with a {@link TimeoutException} naming what was missing.
 */
public final class FleetObserver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One status key's latest value: state, desired, since (epoch ms, the agent's clock) and arrival (epoch ms, here). */
  public record Seen(String node, String state, boolean desired, long sinceMillis, long seenMillis, JsonNode value) {}

  private final String base;
  private final Object lock = new Object();
  private final Map<String, Seen> plugins = new HashMap<>(); // "<node>/<plugin>"
  private final Map<String, Seen> agents = new HashMap<>(); // "<node>"
  private long changes;
  private final Watch watch;

  public FleetObserver(KeySpace store, String root, String service) {
    this.base = root + "/status/" + service + "/";
    this.watch = store.watch(root + "/status/" + service, WatchOptions.withEphemeral(), new WatchListener() {
      @Override
      public void onChanges(List<Change> list) {
        long now = System.currentTimeMillis();
        synchronized (lock) {
          for (Change c : list) record(c, now);
          changes += list.size();
          lock.notifyAll();
        }
      }
    });
  }

  private void record(Change c, long now) {
    if (!c.key().startsWith(base)) return;
    String[] parts = c.key().substring(base.length()).split("/");
    if (parts.length == 2 && parts[1].equals("agent")) {
      if (c.deleted()) agents.remove(parts[0]);
      else agents.put(parts[0], seen(parts[0], c.value(), now));
    } else if (parts.length == 3 && parts[1].equals("plugins")) {
      String k = parts[0] + "/" + parts[2];
      if (c.deleted()) plugins.remove(k);
      else plugins.put(k, seen(parts[0], c.value(), now));
    }
  }

  private static Seen seen(String node, byte[] value, long now) {
    JsonNode v;
    try {
      v = JSON.readTree(value);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable status of node " + node + ": " + e.getMessage(), e);
    }
    long since = v.hasNonNull("since") ? Instant.parse(v.get("since").asText()).toEpochMilli() : 0;
    return new Seen(node, v.path("state").asText(""), v.path("desired").asBoolean(false), since, now, v);
  }

  /** The latest status of {@code plugin} on every node that reports it. */
  public Map<String, Seen> plugin(String plugin) {
    synchronized (lock) {
      Map<String, Seen> out = new HashMap<>();
      plugins.forEach((k, v) -> {
        if (k.endsWith("/" + plugin)) out.put(v.node(), v);
      });
      return out;
    }
  }

  /** The latest agent status of every node. */
  public Map<String, Seen> agents() {
    synchronized (lock) {
      return new HashMap<>(agents);
    }
  }

  /** Status changes received so far (every key write the watch delivered). */
  public long changes() {
    synchronized (lock) {
      return changes;
    }
  }

  /** Waits until {@code done} holds (checked now and after every change), at most {@code timeout}. */
  public void await(String what, Duration timeout, Predicate<FleetObserver> done) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        long seen = changes;
        // the predicate reads through the public methods (same lock, re-entrant)
        if (done.test(this)) return;
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new TimeoutException("no " + what + " within " + timeout);
        if (changes == seen) java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, 500_000_000L));
      }
    }
  }

  @Override
  public void close() {
    watch.close();
  }
}
