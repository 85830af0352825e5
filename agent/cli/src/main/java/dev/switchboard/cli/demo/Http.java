package dev.switchboard.cli.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A tiny HTTP/1.1 GET over a raw socket, so the demo can print the exchange like {@code curl -si}. */
final class Http {
  private static final int MAX_BYTES = 1 << 20;

  /** The raw response: status line, header lines, body. */
  record Response(int status, String head, String body) {
    /** The value of a header (case-insensitive name), or null. */
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    /** As curl -si prints it. */
    String asCurl() {
      return head.replace("\r\n", "\n") + "\n\n" + body;
    }
  }

  private Http() {}

  static Response get(int port, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUser-Agent: switchboard-demo\r\n"
          + "Accept: */*\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) >= 0) {
        buf.write(chunk, 0, n);
        if (buf.size() > MAX_BYTES) throw new IOException("response from port " + port + " larger than 1 MiB");
      }
      String text = buf.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      if (split < 0) throw new IOException("incomplete HTTP response from port " + port);
      String head = text.substring(0, split);
      String body = text.substring(split + 4);
      String[] status = head.split(" ", 3);
      if (status.length < 2 || !status[0].toUpperCase(Locale.ROOT).startsWith("HTTP/")) {
        throw new IOException("not an HTTP response from port " + port + ": " + head.lines().findFirst().orElse(""));
      }
      try {
        return new Response(Integer.parseInt(status[1]), head, dechunk(head, body));
      } catch (NumberFormatException e) {
        throw new IOException("bad HTTP status line from port " + port + ": " + head.lines().findFirst().orElse(""));
      }
    }
  }

  /** Undoes chunked transfer encoding so the printed body is readable. */
  private static String dechunk(String head, String body) {
    boolean chunked = head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
    if (!chunked) return body;
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < body.length()) {
      int eol = body.indexOf("\r\n", i);
      if (eol < 0) break;
      int size;
      try {
        size = Integer.parseInt(body.substring(i, eol).split(";")[0].trim(), 16);
      } catch (NumberFormatException e) {
        return body;
      }
      if (size == 0) break;
      int start = eol + 2;
      int end = Math.min(body.length(), start + size);
      out.append(body, start, end);
      i = end + 2;
    }
    return out.toString();
  }
}
