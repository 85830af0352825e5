package dev.switchboard.store;

/** The one unchecked exception of the store layer, with an error code. */
public final class StoreException extends RuntimeException {
  /** What went wrong, for callers that react differently. */
  public enum Code {
    /** Not connected (or no etcd leader) within the operation's deadline. */
    UNAVAILABLE,
    /** The key is not a valid path for this store. */
    INVALID_KEY,
    /** The value is larger than the configured bound or the store's limit. */
    VALUE_TOO_LARGE,
    /** The store refused the operation (permissions, quota, ...). */
    REJECTED,
    /** The adapter was closed. */
    CLOSED,
    /** Anything else; the cause says more. */
    INTERNAL
  }

  private final Code code;

  public StoreException(Code code, String message) {
    this(code, message, null);
  }

  public StoreException(Code code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
