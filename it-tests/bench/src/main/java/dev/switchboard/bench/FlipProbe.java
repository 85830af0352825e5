package dev.switchboard.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * FlipBench's detector: polls the sample host's {@code GET /} for the {@code X-Switchboard-Plugin}
 * header over one keep-alive HTTP/1.1 connection with blocking I/O in the calling thread.
 *
 * <p>Why not {@link HostProbe} (the JDK {@code HttpClient}): measured on this machine against an idle
 * sample host at the same 100 µs pause, the JDK client took 0.5–3.1 ms per request at p50 (8–19 ms at
 * p99) and used 0.6–0.8 of a core in the bench JVM plus 0.6 in the host — about 1.4 of the 2 cores,
 * taken from the sidecar and the host while they work on the flip, and a detection step of one
 * round trip. This client: 0.06–0.1 ms per request at p50, 0.2–0.25 of a core in the bench JVM and
 * 0.15 in the host. Every response's round trip is recorded, so the resolution of each measurement
 * is reported next to it ({@link #roundTrips()}).
 */
final class FlipProbe implements AutoCloseable {
  static final String HEADER = "x-switchboard-plugin";
  private final InetSocketAddress address;
  private final byte[] request;
  private final long pauseNanos;
  private final int timeoutMillis;
  private final List<Long> roundTrips = new ArrayList<>();
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  FlipProbe(int port, long pauseNanos, Duration requestTimeout) {
    if (pauseNanos < 0) throw new IllegalArgumentException("pauseNanos < 0: " + pauseNanos);
    this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    this.request = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    this.pauseNanos = pauseNanos;
    this.timeoutMillis = (int) requestTimeout.toMillis();
  }

  /** Round trip of every poll so far (ns): the detection step of the measurement. */
  List<Long> roundTrips() {
    return roundTrips;
  }

  /** Polls until the header's presence equals {@code present}; returns System.nanoTime() when that response was read. */
  long awaitMarker(boolean present, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean now;
      long t0 = System.nanoTime();
      try {
        now = markerPresent();
      } catch (SocketTimeoutException e) { // a stalled host (GC, overloaded machine): new connection, keep polling
        closeSocket();
        if (System.nanoTime() - deadline > 0) throw e;
        continue;
      }
      long t = System.nanoTime();
      roundTrips.add(t - t0);
      if (now == present) return t;
      if (t - deadline > 0) throw new IllegalStateException("host header present=" + present + " not seen within " + timeout);
      if (pauseNanos > 0) LockSupport.parkNanos(pauseNanos);
    }
  }

  /** One {@code GET /}: true when the response carries the header. Reconnects once if the host closed the connection. */
  boolean markerPresent() throws IOException {
    try {
      return exchange();
    } catch (EOFException | java.net.SocketException e) { // keep-alive connection closed by the host: once more on a new one
      closeSocket();
      return exchange();
    }
  }

  private boolean exchange() throws IOException {
    if (socket == null) {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(address, timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      socket = s;
      out = s.getOutputStream();
      in = new BufferedInputStream(s.getInputStream());
    }
    out.write(request);
    out.flush();
    String status = line();
    if (!status.startsWith("HTTP/1.1 200")) {
      closeSocket();
      throw new IllegalStateException("host answered '" + status + "'");
    }
    boolean marker = false;
    long length = -1;
    boolean close = false;
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      if (colon < 0) throw new IllegalStateException("malformed header line from the host: '" + h + "'");
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      if (name.equals(HEADER)) marker = true;
      else if (name.equals("content-length")) length = Long.parseLong(value);
      else if (name.equals("transfer-encoding")) throw new IllegalStateException("unexpected transfer-encoding from the host: " + value);
      else if (name.equals("connection") && value.equalsIgnoreCase("close")) close = true;
    }
    if (length < 0) throw new IllegalStateException("host response without content-length");
    in.skipNBytes(length);
    if (close) closeSocket();
    return marker;
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder(64);
    while (true) {
      int c = in.read();
      if (c < 0) throw new EOFException("host closed the connection");
      if (c == '\n') return b.toString();
      if (c != '\r') b.append((char) c);
      if (b.length() > 8192) throw new IllegalStateException("header line from the host longer than 8 KiB");
    }
  }

  private void closeSocket() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        System.err.println("closing the probe connection: " + e);
      }
    }
    socket = null;
    out = null;
    in = null;
  }

  @Override
  public void close() {
    closeSocket();
  }
}
