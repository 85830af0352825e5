package dev.switchboard.sidecar.host;

/** The host JVM could not be found (the message says why). */
public final class HostException extends RuntimeException {
  public HostException(String message) {
    super(message);
  }
}
