package com.example.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.api.testing.PluginHarness;
import dev.switchboard.sample.spi.Exchange;
import dev.switchboard.sample.spi.RequestFilter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin against the plugin API's test harness: no host, no runtime, no store. */
class HelloHeaderPluginTest {
  @Test
  void addsTheDefaultGreetingHeader() throws Exception {
    try (PluginHarness h = PluginHarness.start(new HelloHeaderPlugin(), "hello-header", "1.0.0", Map.of())) {
      FakeExchange ex = new FakeExchange();
      assertTrue(h.extension(RequestFilter.class).filter(ex), "passes the request on");
      assertEquals("hello from hello-header/1.0.0", ex.headers.get("X-Hello"));
    }
  }

  @Test
  void configNamesTheHeaderAndReconfigureSwapsItLive() throws Exception {
    try (PluginHarness h = PluginHarness.start(new HelloHeaderPlugin(), Map.of("header", "X-Greeting", "greeting", "hi"))) {
      FakeExchange ex = new FakeExchange();
      h.extension(RequestFilter.class).filter(ex);
      assertEquals("hi", ex.headers.get("X-Greeting"));

      h.reconfigure(Map.of("greeting", "bonjour"));
      FakeExchange next = new FakeExchange();
      h.extension(RequestFilter.class).filter(next);
      assertEquals("bonjour", next.headers.get("X-Hello"));
    }
  }

  @Test
  void stopLeavesNothingBehind() throws Exception {
    PluginHarness h = PluginHarness.start(new HelloHeaderPlugin(), Map.of());
    PluginHarness.StopReport report = h.stop();
    assertTrue(report.clean(), "clean stop: " + report);
    assertTrue(h.extensions(RequestFilter.class).isEmpty(), "no extension left registered");
  }

  /** A minimal Exchange: records response headers. */
  static final class FakeExchange implements Exchange {
    final Map<String, String> headers = new LinkedHashMap<>();

    @Override public String method() { return "GET"; }
    @Override public String path() { return "/"; }
    @Override public String requestHeader(String name) { return null; }
    @Override public String clientAddress() { return "127.0.0.1"; }
    @Override public void setResponseHeader(String name, String value) { headers.put(name, value); }
    @Override public void respond(int status, String body) { throw new AssertionError("must not respond"); }
    @Override public int status() { return 200; }
    @Override public long elapsedNanos() { return 0; }
  }
}
