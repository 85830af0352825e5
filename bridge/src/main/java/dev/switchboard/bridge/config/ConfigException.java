package dev.switchboard.bridge.config;

/** A configuration problem; the message names the key and why. Start-up stops. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
