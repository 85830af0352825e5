package dev.switchboard.control;

/** The one unchecked exception of the control channel, with an error code. */
public final class ControlException extends RuntimeException {
  /** What went wrong. */
  public enum Code {
    /** No process with that pid. */
    NO_SUCH_PROCESS,
    /** The JVM refused attach (-XX:+DisableAttachMechanism, other user, ...). */
    ATTACH_REFUSED,
    /** This JDK has no jdk.attach module (a JRE without it). */
    ATTACH_UNAVAILABLE,
    /** Handshake failed: wrong token, other uid, protocol version mismatch. */
    UNAUTHORIZED,
    /** Protocol violation or malformed frame. */
    PROTOCOL,
    /** The runtime did not answer in time. */
    TIMEOUT,
    /** The connection is closed. */
    CLOSED,
    /** The runtime reported a failure for the request. */
    FAILED
  }

  private final Code code;

  public ControlException(Code code, String message) {
    this(code, message, null);
  }

  public ControlException(Code code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
