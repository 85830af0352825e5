package dev.switchboard.bench;

import dev.switchboard.sample.spi.Exchange;
import java.util.Map;

/** A minimal {@link Exchange} for calling a request filter outside a host (headers land in a map). */
final class BenchExchange implements Exchange {
  private final Map<String, String> headers;
  private final long start = System.nanoTime();
  private int status = 200;

  BenchExchange(Map<String, String> headers) {
    this.headers = headers;
  }

  @Override public String method() { return "GET"; }
  @Override public String path() { return "/"; }
  @Override public String requestHeader(String name) { return null; }
  @Override public String clientAddress() { return "127.0.0.1"; }
  @Override public void setResponseHeader(String name, String value) { headers.put(name, value); }
  @Override public void respond(int status, String body) { this.status = status; }
  @Override public int status() { return status; }
  @Override public long elapsedNanos() { return System.nanoTime() - start; }
}
