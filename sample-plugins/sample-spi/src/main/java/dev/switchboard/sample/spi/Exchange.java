package dev.switchboard.sample.spi;

/** One HTTP request/response as the sample host shows it to {@link RequestFilter}s. */
public interface Exchange {
  /** HTTP method, e.g. {@code GET}. */
  String method();

  /** Request path, e.g. {@code /}. */
  String path();

  /** First value of a request header (case-insensitive name), or null. */
  String requestHeader(String name);

  /** The client's IP address, e.g. {@code 127.0.0.1}. */
  String clientAddress();

  /** Sets (replaces) a response header. */
  void setResponseHeader(String name, String value);

  /** Answers with {@code status} and {@code body} instead of the host's {@code 200 hello}. */
  void respond(int status, String body);

  /** The status the host sends: 200 unless a filter responded. */
  int status();

  /** Nanoseconds since the host received the request. */
  long elapsedNanos();
}
