package dev.switchboard.runtime.advice;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the host allows advice on, and when a failing advice is switched off. Read from the host's system
 * properties: {@value #ALLOW_PROPERTY} (comma-separated class-name prefixes allowed although refused by default,
 * e.g. {@code java.util.concurrent.ThreadPoolExecutor,sun.net.}) and {@value #MAX_FAILURES_PROPERTY} (handler
 * failures after which an advice is switched off; default {@value #DEFAULT_MAX_FAILURES}).
 *
 * @param allowed prefixes the host allows among the refused ones
 * @param maxFailures handler failures after which an advice is switched off (at least 1)
 */
public record AdviceRules(List<String> allowed, long maxFailures) {
  public static final String ALLOW_PROPERTY = "switchboard.advice.allow";
  public static final String MAX_FAILURES_PROPERTY = "switchboard.advice.maxFailures";
  public static final long DEFAULT_MAX_FAILURES = 20;
  /** Refused unless allowed: the JDK's classes and Switchboard's own (runtime, plugin API, dispatcher, host integrations). */
  static final List<String> REFUSED = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "dev.switchboard.api.",
      "dev.switchboard.runtime.", "dev.switchboard.control.", "dev.switchboard.dispatch.", "dev.switchboard.servlet.",
      "dev.switchboard.spring.");

  public AdviceRules {
    allowed = List.copyOf(allowed);
    if (maxFailures < 1) throw new IllegalArgumentException("maxFailures < 1: " + maxFailures);
  }

  /** From system properties; a bad value is reported in {@code problems} and the default used. */
  public static AdviceRules from(UnaryOperator<String> properties, List<String> problems) {
    List<String> allowed = new ArrayList<>();
    String allow = properties.apply(ALLOW_PROPERTY);
    if (allow != null) {
      for (String p : allow.split(",")) {
        if (!p.isBlank()) allowed.add(p.strip());
      }
    }
    long max = DEFAULT_MAX_FAILURES;
    String m = properties.apply(MAX_FAILURES_PROPERTY);
    if (m != null) {
      try {
        max = Long.parseLong(m.strip());
        if (max < 1) throw new NumberFormatException("below 1");
      } catch (NumberFormatException e) {
        problems.add(MAX_FAILURES_PROPERTY + "='" + m + "' is not a whole number >= 1; using " + DEFAULT_MAX_FAILURES);
        max = DEFAULT_MAX_FAILURES;
      }
    }
    return new AdviceRules(allowed, max);
  }

  /** Why advice on {@code className} is refused, or null when it is not. */
  public String refusal(String className) {
    for (String a : allowed) {
      if (className.startsWith(a)) return null;
    }
    for (String r : REFUSED) {
      if (className.startsWith(r)) {
        return "advice on " + className + " is refused: classes under " + r + "* belong to the "
            + (r.startsWith("dev.") ? "Switchboard runtime" : "JDK") + " (a host allows them with -D" + ALLOW_PROPERTY + "="
            + r + "...)";
      }
    }
    return null;
  }
}
