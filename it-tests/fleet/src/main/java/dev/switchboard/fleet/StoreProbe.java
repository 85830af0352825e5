package dev.switchboard.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What the stores themselves say about the load: etcd's write counters ({@code /metrics}), ZooKeeper's last
 * transaction id ({@code srvr}: its low 32 bits count the writes of the current epoch), and a local server
 * process's CPU time and resident memory ({@code /proc}).
 */
public final class StoreProbe {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private StoreProbe() {}

  /** etcd puts + deletes + transactions so far ({@code etcd_mvcc_put_total + delete_total + txn_total}). */
  public static long etcdWrites(String endpoint) throws IOException, InterruptedException {
    String body = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    long sum = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith("etcd_mvcc_put_total ") || line.startsWith("etcd_mvcc_delete_total ")
          || line.startsWith("etcd_mvcc_txn_total ")) {
        sum += (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    return sum;
  }

  /** ZooKeeper's current zxid (from {@code srvr}). */
  public static long zxid(String hostPort) throws IOException {
    String[] hp = hostPort.split(":");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 5000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      for (String line : text.split("\n")) {
        if (line.startsWith("Zxid:")) return Long.decode(line.substring(5).trim());
      }
      throw new IOException("no Zxid in srvr answer of " + hostPort + ": " + text);
    }
  }

  /** CPU seconds (user + system) and resident bytes of a process, when it is local. */
  public record ProcUsage(double cpuSeconds, long rssBytes) {}

  public static Optional<ProcUsage> usage(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      double ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
      return Optional.of(new ProcUsage(ticks / 100.0, rss));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The pid of a descendant process of this JVM whose command line contains {@code text} (local test kit mode). */
  public static Optional<Long> descendant(String text) {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false))
        .map(ProcessHandle::pid)
        .findFirst();
  }
}
