package dev.switchboard.sample.spi.testing;

import dev.switchboard.sample.spi.Exchange;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory {@link Exchange} for plugin unit tests (the real one is the sample host's). Shared
 * by the sample plugins through this module's test jar.
 */
public final class FakeExchange implements Exchange {
  public final String method;
  public final String path;
  public final String client;
  public final Map<String, String> requestHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  public final Map<String, String> responseHeaders = new HashMap<>();
  public int status = 200;
  public String body = "hello";

  public FakeExchange(String method, String path, String client) {
    this.method = method;
    this.path = path;
    this.client = client;
  }

  public FakeExchange header(String name, String value) {
    requestHeaders.put(name, value);
    return this;
  }

  @Override public String method() { return method; }
  @Override public String path() { return path; }
  @Override public String requestHeader(String name) { return requestHeaders.get(name); }
  @Override public String clientAddress() { return client; }
  @Override public void setResponseHeader(String name, String value) { responseHeaders.put(name, value); }
  @Override public void respond(int status, String body) { this.status = status; this.body = body; }
  @Override public int status() { return status; }
  @Override public long elapsedNanos() { return 1_234_000; }
}
