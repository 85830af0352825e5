package dev.switchboard.api;

/**
 * One advised call of a host method, as an {@link AdviceHandler} sees it. Valid only while the handler runs
 * (never keep it). The receiver, the arguments and the outcome are the host's own objects: read what you need,
 * keep only values (strings, numbers), never the host's objects beyond the call.
 */
public interface AdviceCall {
  /** Binary name of the class that declares the advised method (for a subtype advice: the subtype). */
  String typeName();

  /** Name of the advised method. */
  String methodName();

  /** JVM descriptor of the advised method, for example {@code (Ljava/lang/String;)I}. */
  String descriptor();

  /** The receiver ({@code this}), or null for a static method. */
  Object self();

  /** Number of arguments. */
  int argumentCount();

  /**
   * Argument {@code index} (primitives boxed).
   *
   * @throws IndexOutOfBoundsException when {@code index} is not in {@code 0..argumentCount()-1}
   */
  Object argument(int index);

  /** The value the method returned (boxed; null for void or before the method ran). */
  Object returned();

  /** What the method threw ({@code onThrow} handlers), else null. */
  Throwable thrown();

  /**
   * After return or on throw: makes the host's call return {@code value} instead (boxed for a primitive
   * return type; ignored for a void method, where it only swallows the exception). Only for advice declared
   * with {@link MethodAdvice.Builder#mayChangeResult()}.
   *
   * @throws PluginException {@code ADVICE_REFUSED} without that opt-in, or when this is a {@code before}
   *     handler, or {@code value} does not fit the method's return type
   */
  void returnValue(Object value);

  /**
   * Makes the host's call throw {@code error} instead of running (before) or instead of its outcome (after
   * return, on throw). Only for advice declared with {@link MethodAdvice.Builder#mayThrow()}.
   *
   * @throws PluginException {@code ADVICE_REFUSED} without that opt-in
   */
  void throwInstead(Throwable error);
}
