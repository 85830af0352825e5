package dev.switchboard.store.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs that an old name was used, and says the new one. */
final class Deprecations {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLayer.class);

  private Deprecations() {}

  /** Logs a WARN line and returns its text. */
  static String warn(String old, String now) {
    String w = old + " is deprecated; use " + now;
    LOG.warn("configuration: {}", w);
    return w;
  }
}
