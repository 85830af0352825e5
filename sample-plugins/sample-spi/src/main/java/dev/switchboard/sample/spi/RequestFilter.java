package dev.switchboard.sample.spi;

/**
 * The sample host's extension interface: the host calls every active {@code RequestFilter} on
 * every request, in registration order, through {@code
 * dev.switchboard.api.Extensions.point(RequestFilter.class)}. Plugins implement it and register
 * it with their context; the host exports this package to plugins.
 */
public interface RequestFilter {
  /**
   * Inspects or changes the exchange before the host answers.
   *
   * @return true to pass the request on (next filter, then the host's {@code 200 hello}); false
   *     when this filter answered it with {@link Exchange#respond(int, String)}
   */
  boolean filter(Exchange exchange);

  /**
   * Called on every active filter once the response status is decided (also when another filter
   * answered), for logs and counters. Default: nothing.
   */
  default void completed(Exchange exchange) {}
}
