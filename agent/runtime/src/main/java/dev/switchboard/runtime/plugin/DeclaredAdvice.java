package dev.switchboard.runtime.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.AdviceHandler;
import dev.switchboard.api.MethodAdvice;
import dev.switchboard.api.PluginException;
import dev.switchboard.runtime.plugin.PluginRefusedException.Code;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One method advice declared in {@code plugin.json} ({@code "advice": [...]}) instead of in code: the target as
 * {@link MethodAdvice} takes it, and the handlers as names of classes in the plugin's jar that implement {@link
 * AdviceHandler} with a public no-argument constructor. Checked in three steps, all before the plugin's code runs:
 * the shape of the entry when the descriptor is parsed ({@link #parse}), the handler classes when the jar's loader
 * exists ({@link #resolve}); the runtime's rules (refused packages, a loaded class without the method) when the
 * advice is registered at start, before the plugin's own {@code start}.
 *
 * @param index position in the {@code advice} array, for messages
 * @param handlers phase ({@code before}, {@code afterReturn}, {@code onThrow}) → handler class name
 */
record DeclaredAdvice(int index, String type, MethodAdvice.Match match, String method, String descriptor,
    Map<String, String> handlers, boolean mayChangeResult, boolean mayThrow) {
  static final String FIELD = "advice";
  private static final Set<String> FIELDS = Set.of("type", "match", "method", "descriptor", "before", "afterReturn", "onThrow",
      "mayChangeResult", "mayThrow");
  private static final List<String> PHASES = List.of("before", "afterReturn", "onThrow");
  private static final Pattern CLASS_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

  /** The {@code advice} array of a descriptor (null or missing: none). */
  static List<DeclaredAdvice> parse(JsonNode node) {
    if (node == null || node.isNull()) return List.of();
    if (!node.isArray()) throw refused(FIELD, "is not an array of advice declarations");
    List<DeclaredAdvice> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) out.add(one(i, node.get(i)));
    return List.copyOf(out);
  }

  private static DeclaredAdvice one(int i, JsonNode n) {
    String at = FIELD + "[" + i + "]";
    if (!n.isObject()) throw refused(at, "is not a JSON object");
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) throw refused(at, "unknown field '" + f + "' (known: " + new TreeSet<>(FIELDS) + ")");
    }
    String type = text(n, at, "type", true);
    String matchText = text(n, at, "match", false);
    MethodAdvice.Match match;
    if (matchText == null || matchText.equals("exact")) {
      match = MethodAdvice.Match.EXACT;
    } else if (matchText.equals("subtypes")) {
      match = MethodAdvice.Match.SUBTYPES;
    } else {
      throw refused(at + ".match", "'" + matchText + "' is not 'exact' or 'subtypes'");
    }
    Map<String, String> handlers = new LinkedHashMap<>();
    for (String phase : PHASES) {
      String h = text(n, at, phase, false);
      if (h == null) continue;
      if (!CLASS_NAME.matcher(h).matches()) throw refused(at + "." + phase, "'" + h + "' is not a class name");
      handlers.put(phase, h);
    }
    DeclaredAdvice d = new DeclaredAdvice(i, type, match, text(n, at, "method", true), text(n, at, "descriptor", false),
        Map.copyOf(handlers), bool(n, at, "mayChangeResult"), bool(n, at, "mayThrow"));
    Map<String, AdviceHandler> probe = new LinkedHashMap<>();
    handlers.keySet().forEach(p -> probe.put(p, call -> {}));
    d.build(probe); // the API's own checks: names, descriptor, a handler, opt-ins that fit the handlers
    return d;
  }

  /** The advice with these handler instances (by phase); the API's checks fail as a {@code descriptor} refusal. */
  MethodAdvice build(Map<String, AdviceHandler> instances) {
    try {
      MethodAdvice.Builder b = match == MethodAdvice.Match.EXACT ? MethodAdvice.on(type) : MethodAdvice.onSubtypesOf(type);
      b.method(method);
      if (descriptor != null) b.descriptor(descriptor);
      if (instances.containsKey("before")) b.before(instances.get("before"));
      if (instances.containsKey("afterReturn")) b.afterReturn(instances.get("afterReturn"));
      if (instances.containsKey("onThrow")) b.onThrow(instances.get("onThrow"));
      if (mayChangeResult) b.mayChangeResult();
      if (mayThrow) b.mayThrow();
      return b.build();
    } catch (PluginException e) {
      throw refused(FIELD + "[" + index + "]", e.getMessage());
    }
  }

  /**
   * The handler classes' constructors (phase → constructor), from the plugin's {@code loader}, without initialising
   * the classes; refused naming the entry and the class when one is missing, is not an {@link AdviceHandler}, or
   * cannot be instantiated.
   */
  Map<String, Constructor<?>> resolve(ClassLoader loader) {
    Map<String, Constructor<?>> out = new LinkedHashMap<>();
    handlers.forEach((phase, name) -> {
      String at = FIELD + "[" + index + "]." + phase;
      Class<?> c;
      try {
        c = Class.forName(name, false, loader);
      } catch (ClassNotFoundException e) {
        throw refused(at, "class " + name + " not found in the jar");
      } catch (LinkageError e) {
        throw refused(at, "class " + name + " cannot be loaded: " + e);
      }
      if (!AdviceHandler.class.isAssignableFrom(c)) throw refused(at, name + " does not implement " + AdviceHandler.class.getName());
      if (c.isInterface() || Modifier.isAbstract(c.getModifiers()) || !Modifier.isPublic(c.getModifiers())) {
        throw refused(at, name + " is not a public concrete class");
      }
      try {
        out.put(phase, c.getConstructor());
      } catch (NoSuchMethodException e) {
        throw refused(at, name + " has no public no-arg constructor");
      } catch (LinkageError e) {
        throw refused(at, "class " + name + " cannot be linked: " + e);
      }
    });
    return out;
  }

  private static String text(JsonNode n, String at, String field, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) throw refused(at, "missing required field '" + field + "'");
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) throw refused(at + "." + field, "is not a non-empty string: " + v);
    return v.asText();
  }

  private static boolean bool(JsonNode n, String at, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) return false;
    if (!v.isBoolean()) throw refused(at + "." + field, "is not true or false: " + v);
    return v.asBoolean();
  }

  private static PluginRefusedException refused(String at, String why) {
    return new PluginRefusedException(Code.DESCRIPTOR, "plugin.json " + at + ": " + why);
  }
}
