package dev.switchboard.api;

/** The one unchecked exception of the plugin API, with an error code. */
public final class PluginException extends RuntimeException {
  /** What went wrong. */
  public enum Code {
    /** A version or range text is malformed. */
    BAD_VERSION,
    /** A config value is missing or has the wrong type. */
    BAD_CONFIG,
    /** An operation on a context that was already closed. */
    CLOSED,
    /** A descriptor field is invalid. */
    BAD_DESCRIPTOR
  }

  private final Code code;

  public PluginException(Code code, String message) {
    super(code + ": " + message);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
