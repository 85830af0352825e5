package dev.switchboard.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.cli.fleet.FleetStatus;
import dev.switchboard.cli.fleet.FleetWatch;
import dev.switchboard.store.KeySpace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the console's document current: one {@link FleetWatch} on {@code <root>/status} (as {@code ctl status
 * --watch}) and one on {@code <root>/services} (desired state), one thread that rebuilds the document after a
 * change (bursts coalesced into one document per 100 ms) and hands it to the publisher, and a heartbeat when
 * nothing changed for a while. The thread owns the {@link FlipLog}; the publisher is called with no lock held.
 */
final class ConsoleFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleFeed.class);
  /** A desired-state change is noticed within this (the thread waits on the status watch). */
  private static final long POLL_MILLIS = 250;
  private static final long COALESCE_MILLIS = 100;
  static final Duration HEARTBEAT = Duration.ofSeconds(15);

  /** Receives every new document (one line of JSON) and a heartbeat when nothing changed for {@link #HEARTBEAT}. */
  interface Publisher {
    void document(String json);

    void heartbeat();
  }

  private final KeySpace store;
  private final String root;
  private final FleetWatch status;
  private final FleetWatch desired;
  private final FlipLog flips;
  private final Publisher publisher;
  private final Clock clock;
  private final Thread thread;
  private volatile String latest;
  private volatile boolean closed;

  ConsoleFeed(KeySpace store, String root, Duration flipWindow, Publisher publisher, Clock clock) {
    this.store = store;
    this.root = root;
    this.flips = new FlipLog(flipWindow, 500);
    this.publisher = publisher;
    this.clock = clock;
    this.status = new FleetWatch(store, root + "/status");
    this.desired = new FleetWatch(store, root + "/services");
    this.latest = document(status.snapshot(), desired.snapshot()).toString();
    this.thread = new Thread(this::loop, "switchboard-console-feed");
    thread.setDaemon(true);
    thread.start();
  }

  /** The newest document (one line of JSON); before the first sync it says {@code "synced": false}. */
  String latest() {
    return latest;
  }

  private void loop() {
    long seenStatus = -1;
    long seenDesired = -1;
    long lastSent = System.nanoTime();
    while (!closed) {
      try {
        status.awaitChange(seenStatus, POLL_MILLIS, TimeUnit.MILLISECONDS);
        FleetWatch.Snapshot s = status.snapshot();
        FleetWatch.Snapshot d = desired.snapshot();
        boolean changed = s.version() != seenStatus || d.version() != seenDesired;
        boolean expired = flips.prune(clock.instant());
        if (changed || expired) {
          seenStatus = s.version();
          seenDesired = d.version();
          String doc = document(s, d).toString();
          if (!doc.equals(latest)) {
            latest = doc;
            publisher.document(doc);
            lastSent = System.nanoTime();
          }
          Thread.sleep(COALESCE_MILLIS);
        }
        if (System.nanoTime() - lastSent > HEARTBEAT.toNanos()) {
          publisher.heartbeat();
          lastSent = System.nanoTime();
        }
      } catch (InterruptedException e) {
        return; // closed
      } catch (RuntimeException e) {
        // a bug in building the view must not end the feed: say it and go on with the next change
        LOG.error("console: building the fleet view failed; keeping the previous one", e);
        sleepQuietly();
      }
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private JsonNode document(FleetWatch.Snapshot s, FleetWatch.Snapshot d) {
    Instant now = clock.instant();
    boolean synced = s.synced() && d.synced();
    if (synced) flips.observe(now, pluginStates(s.keys()), ConsoleView.flagValues(root, d.keys()));
    StoreStateText state = new StoreStateText(s.state().name(), d.state().name());
    ConsoleView.Source src = new ConsoleView.Source(root, store.storeName(), store.endpoints(), state.worst(), synced);
    return ConsoleView.build(src, now, s.keys(), d.keys(), flips.recent(), flips.window().toSeconds());
  }

  /** The two watches share one session; should they ever disagree, show the less healthy state. */
  private record StoreStateText(String a, String b) {
    String worst() {
      return (a.equals("CONNECTED") ? b : a).toLowerCase(Locale.ROOT);
    }
  }

  private Map<String, FlipLog.PluginState> pluginStates(Map<String, byte[]> keys) {
    Map<String, FlipLog.PluginState> out = new TreeMap<>();
    ArrayNode nodes = FleetStatus.nodes(root, keys);
    for (JsonNode n : nodes) {
      for (JsonNode p : n.path("plugins")) {
        String version = p.path("version").isTextual() ? p.path("version").asText() : null;
        out.put(n.path("service").asText() + "/" + n.path("node").asText() + "/" + p.path("plugin").asText(),
            new FlipLog.PluginState(p.path("state").asText("UNKNOWN"), version));
      }
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    status.close();
    desired.close();
  }
}
