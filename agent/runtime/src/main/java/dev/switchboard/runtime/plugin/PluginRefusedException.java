package dev.switchboard.runtime.plugin;

/**
 * The one unchecked exception of the plugin runtime core: a plugin jar, descriptor, config or
 * lifecycle call was refused or failed. The message is the FAILED reason reported in the status,
 * prefixed by the stage ({@code sha256:}, {@code archive:}, {@code descriptor:}, ...).
 */
public final class PluginRefusedException extends RuntimeException {
  /** Stage that refused. */
  public enum Code {
    SHA256("sha256"),
    ARCHIVE("archive"),
    DESCRIPTOR("descriptor"),
    CLASS_VERSION(null),
    ENTRY("entry"),
    CONFIG("config"),
    START("start"),
    STOP("stop"),
    RECONFIGURE("reconfigure"),
    CLOSED("runtime");

    private final String prefix;

    Code(String prefix) {
      this.prefix = prefix;
    }
  }

  private final Code code;

  public PluginRefusedException(Code code, String detail) {
    super(code.prefix == null ? detail : code.prefix + ": " + detail, null, false, false);
    this.code = code;
  }

  public Code code() {
    return code;
  }

  /**
   * True when asking again with the same jar and config cannot change the outcome: the descriptor (API
   * range included), the config against the schema, class versions and the entry class are properties of
   * the jar and the config. A missing or unreadable jar file, a start or stop failure may change.
   */
  public boolean permanent() {
    return code == Code.DESCRIPTOR || code == Code.CONFIG || code == Code.CLASS_VERSION || code == Code.ENTRY;
  }
}
