package dev.switchboard.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load at a fixed rate against {@code GET /} on 127.0.0.1 (wrk2-style): request i is due
 * at {@code start + i / rate}; a pool of keep-alive HTTP/1.1 connections (one thread each) takes the
 * next due request, and its latency is counted from the time it was due, not from when it was sent,
 * so a stalled server is not hidden by the load backing off (no coordinated omission). A request
 * fails on an I/O error, a timeout or a status other than 200; the failed connection is reopened.
 */
final class OpenLoopLoad {
  /** Outcome of one phase. */
  record Result(List<Long> latencies, long sent, long failed, Map<String, Long> markers, List<String> errors, double seconds) {}

  /** Several results as one (latencies, counts and header values added up). */
  static Result merge(List<Result> parts) {
    List<Long> lat = new ArrayList<>();
    Map<String, Long> markers = new java.util.HashMap<>();
    List<String> errors = new ArrayList<>();
    long sent = 0;
    long failed = 0;
    double seconds = 0;
    for (Result r : parts) {
      lat.addAll(r.latencies());
      r.markers().forEach((k, v) -> markers.merge(k, v, Long::sum));
      errors.addAll(r.errors());
      sent += r.sent();
      failed += r.failed();
      seconds += r.seconds();
    }
    return new Result(lat, sent, failed, Map.copyOf(markers), errors.subList(0, Math.min(20, errors.size())), seconds);
  }

  private final int port;
  private final int connections;
  private final int readTimeoutMs;

  OpenLoopLoad(int port, int connections, int readTimeoutMs) {
    this.port = port;
    this.connections = connections;
    this.readTimeoutMs = readTimeoutMs;
  }

  Result run(int ratePerSecond, double seconds) throws InterruptedException {
    if (ratePerSecond < 1) throw new IllegalArgumentException("ratePerSecond < 1: " + ratePerSecond);
    long total = Math.round(ratePerSecond * seconds);
    long interval = 1_000_000_000L / ratePerSecond;
    long start = System.nanoTime() + 20_000_000; // first request due 20 ms from now
    AtomicLong next = new AtomicLong();
    LongAdder failed = new LongAdder();
    Map<String, Long> markers = new ConcurrentHashMap<>();
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>((int) total));
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      Thread t = new Thread(() -> {
        Conn conn = null;
        long i;
        while ((i = next.getAndIncrement()) < total) {
          long due = start + i * interval;
          long wait = due - System.nanoTime();
          if (wait > 0) LockSupport.parkNanos(wait);
          try {
            if (conn == null) conn = new Conn(port, readTimeoutMs);
            String marker = conn.get();
            latencies.add(System.nanoTime() - due);
            markers.merge(marker == null ? "(none)" : marker, 1L, Long::sum);
          } catch (IOException | RuntimeException e) {
            latencies.add(System.nanoTime() - due);
            failed.increment();
            if (errors.size() < 20) errors.add(e.toString());
            if (conn != null) conn.close();
            conn = null;
          }
        }
        if (conn != null) conn.close();
      }, "open-loop-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) t.join();
    double took = (System.nanoTime() - start) / 1e9;
    return new Result(new ArrayList<>(latencies), total, failed.sum(), Map.copyOf(markers), List.copyOf(errors), took);
  }

  /** One keep-alive HTTP/1.1 connection; {@link #get} returns the X-Switchboard-Plugin value or null. */
  private static final class Conn {
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: switchboard-bench\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;

    Conn(int port, int readTimeoutMs) throws IOException {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), readTimeoutMs);
      socket.setSoTimeout(readTimeoutMs);
      in = new BufferedInputStream(socket.getInputStream(), 8192);
      out = socket.getOutputStream();
    }

    String get() throws IOException {
      out.write(REQUEST);
      out.flush();
      String status = line();
      if (!status.startsWith("HTTP/1.1 200")) throw new IOException("status line '" + status + "'");
      long length = -1;
      String marker = null;
      for (String h = line(); !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        if (colon < 0) throw new IOException("bad header line '" + h + "'");
        String name = h.substring(0, colon).trim();
        String value = h.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("content-length")) length = Long.parseLong(value);
        else if (name.equalsIgnoreCase("x-switchboard-plugin")) marker = value;
      }
      if (length < 0) throw new IOException("response without Content-Length");
      for (long left = length; left > 0; left--) {
        if (in.read() < 0) throw new IOException("connection closed inside the body");
      }
      return marker;
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder(64);
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          int n = b.length();
          if (n > 0 && b.charAt(n - 1) == '\r') b.setLength(n - 1);
          return b.toString();
        }
        if (b.length() > 8192) throw new IOException("header line too long");
        b.append((char) c);
      }
      throw new IOException("connection closed by the host");
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        System.err.println("closing a load connection: " + e);
      }
    }
  }
}
