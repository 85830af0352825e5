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
    BAD_DESCRIPTOR,
    /** A method advice declaration is invalid (names, descriptor, handlers). */
    BAD_ADVICE,
    /** The runtime or the host refuses a method advice, or a handler did what its advice did not opt in to. */
    ADVICE_REFUSED
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
