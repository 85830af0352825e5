package dev.switchboard.cli.demo;

/** The demo could not start or run; the message says what and what to do about it. */
public final class DemoException extends RuntimeException {
  /** What went wrong, for the exit code and tests. */
  public enum Code {
    PORT_IN_USE,
    MISSING_BINARY,
    MISSING_FILE,
    COMPONENT_FAILED,
    FLIP_NOT_OBSERVED
  }

  private final Code code;

  public DemoException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public DemoException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
