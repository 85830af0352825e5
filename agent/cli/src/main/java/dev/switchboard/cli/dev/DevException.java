package dev.switchboard.cli.dev;

/** The one unchecked exception of development mode, with an error code. */
public final class DevException extends RuntimeException {
  /** What went wrong. */
  public enum Code {
    /** A jar in the directory is not a complete, readable plugin jar. */
    BAD_JAR,
    /** A {@code <plugin>.json} beside the jars is not a JSON object. */
    BAD_CONFIG,
    /** The directory cannot be watched or read. */
    DIRECTORY
  }

  private final Code code;

  public DevException(Code code, String message) {
    this(code, message, null);
  }

  public DevException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
