package dev.switchboard.runtime.plugin.testspi;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** Host-side counters the test plugins write to (only strings and numbers, never plugin objects). */
public final class Probe {
  public static final List<String> EVENTS = new CopyOnWriteArrayList<>();
  public static volatile CountDownLatch gate = new CountDownLatch(0);
  public static volatile CountDownLatch entered = new CountDownLatch(0);

  private Probe() {}

  public static void event(String e) {
    EVENTS.add(e);
  }

  public static long count(String e) {
    return EVENTS.stream().filter(e::equals).count();
  }

  public static void reset() {
    EVENTS.clear();
    gate = new CountDownLatch(0);
    entered = new CountDownLatch(0);
  }
}
