package dev.switchboard.sidecar.artifact;

/** The one unchecked exception of the artifact cache, with an error code. */
public final class ArtifactException extends RuntimeException {
  /** What went wrong; {@link #retryable()} tells whether fetching again may help. */
  public enum Code {
    /** The bytes did not hash to the declared sha256: never used. */
    CHECKSUM_MISMATCH(false),
    /** Larger than the configured bound. */
    TOO_LARGE(false),
    /** No such file, or HTTP 404/410. */
    NOT_FOUND(false),
    /** URL scheme other than file, http, https. */
    UNSUPPORTED(false),
    /** Signatures are required and the artifact value carries none: never loaded. */
    SIGNATURE_MISSING(false),
    /** The signature is malformed or verifies with none of the trusted keys: never loaded. */
    SIGNATURE_INVALID(false),
    /** A trusted key file (or a signing key file) is unreadable, not a key, or not Ed25519. */
    BAD_KEY(false),
    /** I/O or HTTP failure that may be transient (connection refused, 5xx, truncated body). */
    IO(true);

    private final boolean retryable;

    Code(boolean retryable) {
      this.retryable = retryable;
    }

    /** A refusal by the signature check: the same value is refused again until it (or the agent's keys) changes. */
    public boolean signatureRefusal() {
      return this == SIGNATURE_MISSING || this == SIGNATURE_INVALID;
    }
  }

  private final Code code;
  private final String detail;

  public ArtifactException(Code code, String message) {
    this(code, message, null);
  }

  public ArtifactException(Code code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = code;
    this.detail = message;
  }

  /** The message without the code. */
  public String detail() {
    return detail;
  }

  public Code code() {
    return code;
  }

  public boolean retryable() {
    return code.retryable;
  }
}
