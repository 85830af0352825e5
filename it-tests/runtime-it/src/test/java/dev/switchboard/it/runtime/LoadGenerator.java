package dev.switchboard.it.runtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A few client threads sending GET / to 127.0.0.1 until stopped (bounded by a request count and
 * a time limit). Counts requests, failures (anything but 200 or an I/O error) and the values of
 * one response header.
 */
final class LoadGenerator implements AutoCloseable {
  private final int port;
  private final String header;
  private final long maxRequests;
  private final long deadlineNanos;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  final List<String> failureSamples = new CopyOnWriteArrayList<>();
  final Map<String, AtomicLong> headerValues = new ConcurrentHashMap<>();

  LoadGenerator(int port, String header, int threadCount, long maxRequests, Duration maxTime) {
    this.port = port;
    this.header = header;
    this.maxRequests = maxRequests;
    this.deadlineNanos = System.nanoTime() + maxTime.toNanos();
    for (int i = 0; i < threadCount; i++) {
      Thread t = new Thread(this::run, "load-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
  }

  LoadGenerator start() {
    threads.forEach(Thread::start);
    return this;
  }

  private void run() {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).GET().build();
    while (!stop.get() && requests.get() < maxRequests && System.nanoTime() < deadlineNanos) {
      requests.incrementAndGet();
      try {
        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          fail("status " + r.statusCode() + " body " + r.body());
        } else {
          String v = r.headers().firstValue(header).orElse("<none>");
          headerValues.computeIfAbsent(v, k -> new AtomicLong()).incrementAndGet();
        }
      } catch (IOException e) {
        fail(e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void fail(String what) {
    failures.incrementAndGet();
    if (failureSamples.size() < 10) failureSamples.add(what);
  }

  long seen(String headerValue) {
    AtomicLong n = headerValues.get(headerValue);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) t.join(15_000);
  }
}
