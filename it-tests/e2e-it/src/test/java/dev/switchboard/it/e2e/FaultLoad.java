package dev.switchboard.it.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady request stream against one host while a fault happens: counts responses that carry the expected
 * plugin marker, responses without it, and failed requests (no answer / not 200).
 */
final class FaultLoad implements AutoCloseable {
  private final Callable<Optional<String>> request;
  private final String expectedMarker;
  private final Thread thread;
  private final AtomicInteger ok = new AtomicInteger();
  private final AtomicInteger wrong = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final List<String> samples = new ArrayList<>();
  private volatile boolean stop;

  /**
   * @param request one request to the host; returns the marker header (empty when none), throws when the
   *     request fails
   * @param expectedMarker the marker every response should carry, e.g. {@code response-header/1.0.0}
   */
  FaultLoad(String name, Callable<Optional<String>> request, String expectedMarker, long pauseMillis) {
    this.request = request;
    this.expectedMarker = expectedMarker;
    this.thread = new Thread(() -> loop(pauseMillis), "fault-load-" + name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void loop(long pauseMillis) {
    while (!stop) {
      try {
        Optional<String> marker = request.call();
        if (marker.isPresent() && marker.get().contains(expectedMarker)) {
          ok.incrementAndGet();
        } else {
          wrong.incrementAndGet();
          sample("marker " + marker.orElse("(none)"));
        }
      } catch (Exception | AssertionError e) {
        if (stop) {
          return; // the request was cut short by close() (interrupt), not by the host
        }
        failed.incrementAndGet();
        sample(e.toString());
      }
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample(String what) {
    synchronized (samples) {
      if (samples.size() < 5) {
        samples.add(what);
      }
    }
  }

  int ok() {
    return ok.get();
  }

  int wrong() {
    return wrong.get();
  }

  int failed() {
    return failed.get();
  }

  List<String> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  @Override
  public String toString() {
    return ok + " with " + expectedMarker + ", " + wrong + " without, " + failed + " failed" + (samples().isEmpty() ? "" : " e.g. " + samples());
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.interrupt();
    thread.join(15_000);
  }
}
