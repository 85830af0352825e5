package dev.switchboard.it.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.it.e2e.DesiredModel.Expected;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scenario checker: records every flip written (store, key, value, time) through {@link Flags}, and every
 * observed host behaviour (the marker header of each request, per pod: background pollers started with
 * {@link #observe(Duration)} plus every probe made by {@link #awaitConverged}). {@link #verify()} asserts: the final
 * behaviour of every pod equals what the last writes resolve to ({@link DesiredModel}); flips were applied in order
 * (per pod, the observed sequence of states is a subsequence of the expected sequence: no going back to an older
 * state); no plugin is ACTIVE that is not desired (the sidecars' {@code /v1/status}); both stores hold the same
 * desired state (the bridge mirrored every key; skipped in a topology without bridges). Convergence times are printed as
 * {@code E2E <scenario> [<label>]: converged in <ms> ms}.
 */
public final class Checker implements AutoCloseable {
  /** One flip as written. {@code value == null}: a delete. */
  public record Write(long seq, Store store, String key, String value, long nanos, Instant at) {}

  /** One request to a pod's host: the marker seen, or a failure. */
  record Observation(long nanos, long endNanos, Optional<String> marker, String failure) {}

  private final SystemTopology topology;
  private final String scenario;
  private final String plugin;
  private final DesiredModel model;
  private final List<Write> writes = new CopyOnWriteArrayList<>();
  /** Per pod: the expected states in write order (collapsed), and observed segments (a new one per host restart). */
  private final Map<Integer, List<Expected>> expectedSeq = new ConcurrentHashMap<>();
  /** Per pod, parallel to expectedSeq: when each expected state came into force (the write's start, nanoTime). */
  private final Map<Integer, List<Long>> expectedSince = new ConcurrentHashMap<>();
  private final Map<Integer, List<List<Observation>>> observed = new ConcurrentHashMap<>();
  private final Map<Integer, List<Integer>> segmentStart = new ConcurrentHashMap<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong seq = new AtomicLong();
  private final List<Thread> pollers = new ArrayList<>();
  private volatile boolean polling;

  Checker(SystemTopology topology, String scenario, String plugin, Map<String, String> baseline) {
    this.topology = topology;
    this.scenario = scenario;
    this.plugin = plugin;
    this.model = new DesiredModel(SystemTopology.ROOT, topology.service(), plugin);
    baseline.forEach(model::apply);
    for (Pod p : topology.pods()) {
      List<Expected> e = new ArrayList<>();
      e.add(model.expected(p.node()));
      expectedSeq.put(p.index(), e);
      List<Long> since = new ArrayList<>();
      since.add(Long.MIN_VALUE);
      expectedSince.put(p.index(), since);
      List<List<Observation>> segs = new ArrayList<>();
      segs.add(new ArrayList<>());
      observed.put(p.index(), segs);
      List<Integer> starts = new ArrayList<>();
      starts.add(0);
      segmentStart.put(p.index(), starts);
    }
  }

  /** The scenario name printed in the {@code E2E ...} lines. */
  public String scenario() {
    return scenario;
  }

  /** Called by {@link Flags} (and by tests that write by other means, e.g. {@code switchboard ctl}) before a write. */
  public synchronized void record(Store store, String key, String value) {
    long now = System.nanoTime();
    writes.add(new Write(seq.incrementAndGet(), store, key, value, now, Instant.now()));
    model.apply(key, value);
    for (Pod p : topology.pods()) {
      List<Expected> e = expectedSeq.get(p.index());
      Expected want = model.expected(p.node());
      if (!e.get(e.size() - 1).equals(want)) {
        e.add(want);
        expectedSince.get(p.index()).add(now);
      }
    }
  }

  public List<Write> writes() {
    return List.copyOf(writes);
  }

  /** What the writes so far resolve to on {@code pod}: {@code <plugin>/<version>} or empty; fails when not modelled. */
  public synchronized Optional<String> expectedMarker(Pod pod) {
    Expected e = model.expected(pod.node());
    if (!e.known()) throw new IllegalStateException("the checker cannot model the desired state of " + plugin + " on " + pod);
    return e.marker();
  }

  /** Starts one background poller per pod ({@code GET /} every {@code interval}); stopped by {@link #verify()}/{@link #close()}. */
  public synchronized Checker observe(Duration interval) {
    if (polling) return this;
    polling = true;
    for (Pod p : topology.pods()) {
      Thread t = new Thread(() -> {
        while (polling) {
          probe(p);
          try {
            Thread.sleep(interval.toMillis());
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "e2e-poller-" + p.node());
      t.setDaemon(true);
      t.start();
      pollers.add(t);
    }
    return this;
  }

  /** One request to the pod's host, recorded; returns the marker, or empty on a failed request. */
  public Optional<Optional<String>> probe(Pod pod) {
    requests.incrementAndGet();
    long t = System.nanoTime();
    Observation o;
    try {
      HttpResponse<String> r = Http.get(pod.host().port(), "/", Duration.ofSeconds(5));
      o = r.statusCode() == 200 ? new Observation(t, System.nanoTime(), Http.marker(r), null)
          : new Observation(t, System.nanoTime(), Optional.empty(), "HTTP " + r.statusCode() + ": " + r.body());
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) { // a poller being stopped: no request was answered or refused
        requests.decrementAndGet();
        return Optional.empty();
      }
      o = new Observation(t, System.nanoTime(), Optional.empty(), e.getMessage());
    }
    synchronized (this) {
      List<List<Observation>> segs = observed.get(pod.index());
      segs.get(segs.size() - 1).add(o);
    }
    if (o.failure() != null) {
      failures.add(Instant.now() + " " + pod.node() + ": " + o.failure());
      return Optional.empty();
    }
    return Optional.of(o.marker());
  }

  /** Requests made so far (pollers and probes) and how many failed (no 200). */
  public long requests() {
    return requests.get();
  }

  public long failedRequests() {
    return failures.size();
  }

  public List<String> failures() {
    return List.copyOf(failures);
  }

  /**
   * The pod's host was restarted: a new JVM starts without plugins and is restored by the sidecar, so its observed
   * states start a new segment that may begin with "no marker" (called by {@link Pod.Host#start()}).
   */
  synchronized void hostRestarted(Pod pod) {
    observed.get(pod.index()).add(new ArrayList<>());
    segmentStart.get(pod.index()).add(expectedSeq.get(pod.index()).size() - 1);
  }

  /** Waits (up to 60 s) until every pod behaves as the last write says; prints and returns the time since that write. */
  public Duration awaitConverged(String label) {
    return awaitConverged(label, lastWriteNanos(), Duration.ofSeconds(60));
  }

  /** Waits until every pod behaves as desired; the time is measured from {@code sinceNanos} ({@link System#nanoTime()}). */
  public Duration awaitConverged(String label, long sinceNanos, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean all = true;
      StringBuilder state = new StringBuilder();
      for (Pod p : topology.pods()) {
        Expected want;
        synchronized (this) {
          want = model.expected(p.node());
        }
        Optional<Optional<String>> got = probe(p);
        boolean ok = got.isPresent() && want.matches(got.get());
        state.append(p.node()).append(": want ").append(want).append(", got ")
            .append(got.map(m -> m.orElse("(none)")).orElse("(request failed)")).append("; ");
        all &= ok;
      }
      long now = System.nanoTime();
      if (all) {
        Duration d = Duration.ofNanos(now - sinceNanos);
        System.out.printf("E2E %s [%s]: converged in %d ms%n", scenario, label, d.toMillis());
        return d;
      }
      if (now > deadline) {
        throw new AssertionError("E2E " + scenario + " [" + label + "]: not converged within " + timeout + ": " + state);
      }
      DistCopy.sleep(10);
    }
  }

  long lastWriteNanos() {
    return writes.isEmpty() ? System.nanoTime() : writes.get(writes.size() - 1).nanos();
  }

  /** Waits until etcd and ZooKeeper hold the same desired state under {@code <root>/services}. */
  public Duration awaitStoresEqual(Duration timeout) {
    long t0 = System.nanoTime();
    long deadline = t0 + timeout.toNanos();
    Map<String, String> e = Map.of();
    Map<String, String> z = Map.of();
    while (System.nanoTime() < deadline) {
      e = topology.flags().dump(Store.ETCD, SystemTopology.ROOT + "/services");
      z = topology.flags().dump(Store.ZOOKEEPER, SystemTopology.ROOT + "/services");
      if (e.equals(z)) return Duration.ofNanos(System.nanoTime() - t0);
      DistCopy.sleep(200);
    }
    throw new AssertionError("E2E " + scenario + ": etcd and ZooKeeper differ after " + timeout + "\netcd:      " + e + "\nzookeeper: " + z);
  }

  /** The final assertions; stops the pollers. */
  public void verify() {
    List<String> errors = new ArrayList<>();
    try {
      awaitConverged("final state", lastWriteNanos(), Duration.ofSeconds(60));
    } catch (AssertionError e) {
      errors.add(e.getMessage());
    }
    stopPolling();
    errors.addAll(orderViolations());
    for (Pod p : topology.pods()) errors.addAll(statusViolations(p));
    if (topology.bridges().isEmpty()) {
      System.out.printf("E2E %s: no bridge in this topology, so etcd and ZooKeeper are not compared%n", scenario);
    } else {
      try {
        awaitStoresEqual(Duration.ofSeconds(30));
      } catch (AssertionError e) {
        errors.add(e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new AssertionError("E2E " + scenario + ": " + errors.size() + " check(s) failed:\n - " + String.join("\n - ", errors)
          + "\nwrites: " + writes);
    }
    System.out.printf("E2E %s: verified (%d writes, %d requests, %d failed)%n", scenario, writes.size(), requests.get(), failures.size());
  }

  /**
   * Per pod: every segment of observed states (requests ordered by start time) must be a subsequence of the expected
   * states: no going back to an older state, and no state seen before the write that makes it. A request that started
   * before the first request seeing the newer state had completed overlaps the flip and may see either state.
   */
  synchronized List<String> orderViolations() {
    List<String> out = new ArrayList<>();
    long t0 = writes.isEmpty() ? 0 : writes.get(0).nanos();
    for (Pod p : topology.pods()) {
      List<Expected> exp = expectedSeq.get(p.index());
      List<Long> since = expectedSince.get(p.index());
      List<List<Observation>> segs = observed.get(p.index());
      for (int s = 0; s < segs.size(); s++) {
        List<Observation> seg = new ArrayList<>(segs.get(s));
        seg.sort(java.util.Comparator.comparingLong(Observation::nanos));
        int i = segmentStart.get(p.index()).get(s);
        boolean freshHost = s > 0;
        long changedAt = Long.MIN_VALUE; // end of the first request that saw exp[i]
        List<String> seen = new ArrayList<>();
        for (Observation o : seg) {
          if (o.failure() != null) continue;
          String label = o.marker().orElse("(none)") + "@" + (o.nanos() - t0) / 1_000_000 + "ms";
          if (freshHost && o.marker().isEmpty()) continue; // a new host JVM starts without plugins
          if (exp.get(i).matches(o.marker())) {
            freshHost = false;
            if (seen.isEmpty() || !seen.get(seen.size() - 1).startsWith(o.marker().orElse("(none)") + "@")) seen.add(label);
            continue;
          }
          // a newer state, but only one whose write was made before the request ended
          int j = i + 1;
          while (j < exp.size() && !(exp.get(j).matches(o.marker()) && since.get(j) <= o.endNanos())) j++;
          if (j < exp.size()) {
            i = j;
            changedAt = o.endNanos();
            freshHost = false;
            seen.add(label);
            continue;
          }
          if (o.nanos() < changedAt) continue; // overlapped the change: either state is fine
          out.add(p.node() + ": observed " + label + " after " + seen + " is not in the expected order " + exp
              + " from position " + i + " (times since the first write)");
          break;
        }
      }
    }
    return out;
  }

  /** No ACTIVE plugin that is not desired; the modelled plugin's status agrees with the expected marker. */
  private List<String> statusViolations(Pod p) {
    List<String> out = new ArrayList<>();
    Expected want;
    synchronized (this) {
      want = model.expected(p.node());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      out.clear();
      try {
        JsonNode status = p.sidecar().status();
        for (JsonNode pl : status.path("plugins")) {
          String name = pl.path("plugin").asText();
          if (pl.path("state").asText().equals("ACTIVE") && !pl.path("desired").asBoolean()) {
            out.add(p.node() + ": plugin " + name + " is ACTIVE but not desired: " + pl);
          }
        }
        if (want.known()) {
          JsonNode pl = p.sidecar().plugin(plugin);
          if (want.marker().isPresent()) {
            String version = want.marker().get().substring(plugin.length() + 1);
            if (!pl.path("state").asText().equals("ACTIVE") || !pl.path("version").asText().equals(version)) {
              out.add(p.node() + ": /v1/status of " + plugin + " should be ACTIVE " + version + ": " + pl);
            }
          } else if (pl.path("state").asText().equals("ACTIVE")) {
            out.add(p.node() + ": /v1/status shows " + plugin + " ACTIVE, the last writes say not desired: " + pl);
          }
        }
      } catch (RuntimeException | AssertionError e) {
        out.add(p.node() + ": /v1/status unreadable: " + e.getMessage());
      }
      if (out.isEmpty() || System.nanoTime() > deadline) return List.copyOf(out);
      DistCopy.sleep(200);
    }
  }

  private void stopPolling() {
    polling = false;
    for (Thread t : pollers) {
      t.interrupt();
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    pollers.clear();
  }

  @Override
  public void close() {
    stopPolling();
    topology.detach(this);
  }
}
