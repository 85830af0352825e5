package dev.switchboard.runtime.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Plugin calls run each on a thread of their own (started ahead of use), named, with the plugin's loader, bounded in time. */
class PluginCallsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void everyCallRunsOnAThreadUsedForNoOtherCallWithItsNameAndContextLoader() throws Exception {
    List<Thread> threads = new CopyOnWriteArrayList<>();
    int startedAhead = 0;
    for (int i = 0; i < 20; i++) {
      Thread.sleep(20); // time for the spare of the previous call to wait for its call
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      ClassLoader loader = new URLClassLoader(new URL[0], null);
      String name = "switchboard-p" + i + "-start";
      String[] seen = new String[1];
      ClassLoader[] seenLoader = new ClassLoader[1];
      PluginCalls.Outcome o = PluginCalls.run(name, loader, TIMEOUT, () -> {
        threads.add(Thread.currentThread());
        seen[0] = Thread.currentThread().getName();
        seenLoader[0] = Thread.currentThread().getContextClassLoader();
        return null;
      });
      assertThat(o.ok()).as("call %d: %s", i, o.failure()).isTrue();
      assertThat(seen[0]).isEqualTo(name);
      assertThat(seenLoader[0]).isSameAs(loader);
      assertThat(threads.get(i).getContextClassLoader()).as("loader released after the call").isNull();
      if (before.contains(threads.get(i))) startedAhead++;
    }
    assertThat(startedAhead).as("calls run on a thread started before the call").isGreaterThanOrEqualTo(15);
    assertThat(Set.copyOf(threads)).as("one thread per call").hasSize(20);
    for (Thread t : threads) {
      t.join(5_000);
      assertThat(t.isAlive()).as("%s ended after its call", t.getName()).isFalse();
    }
  }

  @Test
  void concurrentCallsEachGetTheirOwnThreadAndFailuresComeBackAsText() throws Exception {
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch together = new CountDownLatch(4);
      List<Future<PluginCalls.Outcome>> results = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 4; i++) {
        int n = i;
        results.add(callers.submit(() -> PluginCalls.run("switchboard-c" + n + "-start", null, TIMEOUT, () -> {
          threads.add(Thread.currentThread());
          together.countDown();
          together.await(5, TimeUnit.SECONDS); // all four calls running at once
          if (n == 3) throw new IllegalStateException("boom " + n);
          return null;
        })));
      }
      for (int i = 0; i < 4; i++) {
        PluginCalls.Outcome o = results.get(i).get(20, TimeUnit.SECONDS);
        if (i == 3) assertThat(o.failure()).contains("IllegalStateException: boom 3");
        else assertThat(o.ok()).as("call %d: %s", i, o.failure()).isTrue();
      }
      assertThat(threads).hasSize(4);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aCallPastItsTimeoutIsInterruptedAndAbandonedAndTheNextCallStillRuns() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    Thread[] stuck = new Thread[1];
    PluginCalls.Outcome o = PluginCalls.run("switchboard-slow-stop", null, Duration.ofMillis(200), () -> {
      stuck[0] = Thread.currentThread();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
      return null;
    });
    assertThat(o.timedOut()).isTrue();
    assertThat(o.failure()).contains("timed out after 200ms");
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    Thread[] next = new Thread[1];
    assertThat(PluginCalls.run("switchboard-next-start", null, TIMEOUT, () -> {
      next[0] = Thread.currentThread();
      return null;
    }).ok()).isTrue();
    assertThat(next[0]).isNotSameAs(stuck[0]);
  }
}
