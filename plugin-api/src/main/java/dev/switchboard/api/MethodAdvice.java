package dev.switchboard.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Advice on a host method, for hosts that offer no extension point: handlers that run before the method, after
 * it returns and when it throws, woven into the host's bytecode by the runtime while the plugin is active and
 * removed (original bytecode restored) when it stops. Register it with {@link PluginContext#advise}.
 *
 * <pre>{@code
 * ctx.advise(MethodAdvice.on("org.example.server.RequestHandler")   // or onSubtypesOf("...")
 *     .method("handle")
 *     .descriptor("(Lorg/example/server/Request;)V")                 // optional: every overload without it
 *     .before(call -> log(call.argument(0)))
 *     .build());
 * }</pre>
 *
 * <p>A handler sees {@code this}, the arguments, the return value and the exception ({@link AdviceCall}); making
 * the call return another value or throw needs {@link Builder#mayChangeResult()} / {@link Builder#mayThrow()}.
 * {@link Builder#build()} checks the names and the descriptor; the runtime checks the rest when the plugin
 * registers the advice (refused packages, a loaded target class without the method). A class that is not
 * loaded yet is not an error: it is woven when it loads.
 */
public final class MethodAdvice {
  private static final Pattern BINARY_NAME =
      Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
  private static final Pattern METHOD_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*");
  private static final String FIELD_TYPE = "\\[*(?:[BCDFIJSZ]|L[^;.\\[/()]+(?:/[^;.\\[/()]+)*;)";
  private static final Pattern DESCRIPTOR = Pattern.compile("\\((?:" + FIELD_TYPE + ")*\\)(?:V|" + FIELD_TYPE + ")");

  /** Which classes an advice applies to. */
  public enum Match {
    /** The class with exactly this binary name (in every loader that defines one). */
    EXACT,
    /** Every class that extends or implements the named type (directly or not), and the type itself. */
    SUBTYPES
  }

  private final String typeName;
  private final Match match;
  private final String methodName;
  private final String descriptor;
  private final AdviceHandler before;
  private final AdviceHandler afterReturn;
  private final AdviceHandler onThrow;
  private final boolean mayChangeResult;
  private final boolean mayThrow;

  private MethodAdvice(Builder b) {
    this.typeName = b.typeName;
    this.match = b.match;
    this.methodName = b.methodName;
    this.descriptor = b.descriptor;
    this.before = b.before;
    this.afterReturn = b.afterReturn;
    this.onThrow = b.onThrow;
    this.mayChangeResult = b.mayChangeResult;
    this.mayThrow = b.mayThrow;
  }

  /** Advice on the class named {@code typeName} (binary name, for example {@code org.example.Outer$Inner}). */
  public static Builder on(String typeName) {
    return new Builder(typeName, Match.EXACT);
  }

  /** Advice on every class extending or implementing {@code typeName}, and on that type itself. */
  public static Builder onSubtypesOf(String typeName) {
    return new Builder(typeName, Match.SUBTYPES);
  }

  public String typeName() {
    return typeName;
  }

  public Match match() {
    return match;
  }

  public String methodName() {
    return methodName;
  }

  /** The JVM method descriptor, or null for every method of that name. */
  public String descriptor() {
    return descriptor;
  }

  /** Null when not declared. */
  public AdviceHandler before() {
    return before;
  }

  /** Null when not declared. */
  public AdviceHandler afterReturn() {
    return afterReturn;
  }

  /** Null when not declared. */
  public AdviceHandler onThrow() {
    return onThrow;
  }

  public boolean mayChangeResult() {
    return mayChangeResult;
  }

  public boolean mayThrow() {
    return mayThrow;
  }

  /** {@code type#method(descriptor)}, for messages and status. */
  public String target() {
    return (match == Match.SUBTYPES ? "subtypes of " : "") + typeName + "#" + methodName + (descriptor == null ? "" : descriptor);
  }

  @Override
  public String toString() {
    return "MethodAdvice[" + target() + "]";
  }

  /** Declares one advice; {@link #build()} validates it. Not thread-safe. */
  public static final class Builder {
    private final String typeName;
    private final Match match;
    private String methodName;
    private String descriptor;
    private AdviceHandler before;
    private AdviceHandler afterReturn;
    private AdviceHandler onThrow;
    private boolean mayChangeResult;
    private boolean mayThrow;

    private Builder(String typeName, Match match) {
      this.typeName = typeName;
      this.match = match;
    }

    /** The method's name (required; constructors and static initialisers cannot be advised). */
    public Builder method(String name) {
      this.methodName = name;
      return this;
    }

    /** The method's JVM descriptor, to pick one overload (optional). */
    public Builder descriptor(String descriptor) {
      this.descriptor = descriptor;
      return this;
    }

    public Builder before(AdviceHandler handler) {
      this.before = Objects.requireNonNull(handler, "before handler == null");
      return this;
    }

    public Builder afterReturn(AdviceHandler handler) {
      this.afterReturn = Objects.requireNonNull(handler, "afterReturn handler == null");
      return this;
    }

    public Builder onThrow(AdviceHandler handler) {
      this.onThrow = Objects.requireNonNull(handler, "onThrow handler == null");
      return this;
    }

    /** Opt-in: handlers may call {@link AdviceCall#returnValue}. */
    public Builder mayChangeResult() {
      this.mayChangeResult = true;
      return this;
    }

    /** Opt-in: handlers may call {@link AdviceCall#throwInstead}. */
    public Builder mayThrow() {
      this.mayThrow = true;
      return this;
    }

    /**
     * @throws PluginException {@code BAD_ADVICE} naming the field and its value: a type name that is not a
     *     binary class name, a missing or invalid method name, a constructor or initialiser, a malformed
     *     descriptor, no handler at all
     */
    public MethodAdvice build() {
      if (typeName == null || !BINARY_NAME.matcher(typeName).matches()) {
        throw bad("type name is not a binary class name (like org.example.Outer$Inner): '" + typeName + "'");
      }
      String where = " (advice on " + typeName + ")";
      if (methodName == null) {
        throw bad("method name is missing" + where);
      }
      if (methodName.equals("<init>") || methodName.equals("<clinit>")) {
        throw bad("constructors and static initialisers cannot be advised: '" + methodName + "'" + where);
      }
      if (!METHOD_NAME.matcher(methodName).matches()) {
        throw bad("method name is not a Java identifier: '" + methodName + "'" + where);
      }
      if (descriptor != null && !DESCRIPTOR.matcher(descriptor).matches()) {
        throw bad("descriptor is not a JVM method descriptor (like (Ljava/lang/String;I)V): '" + descriptor + "'" + where);
      }
      if (before == null && afterReturn == null && onThrow == null) {
        throw bad("no handler: declare before, afterReturn or onThrow" + where);
      }
      return new MethodAdvice(this);
    }

    private static PluginException bad(String message) {
      return new PluginException(PluginException.Code.BAD_ADVICE, message);
    }
  }
}
