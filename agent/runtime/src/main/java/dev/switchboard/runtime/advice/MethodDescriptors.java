package dev.switchboard.runtime.advice;

import java.lang.reflect.Method;

/** JVM descriptors of loaded methods. */
final class MethodDescriptors {
  private MethodDescriptors() {}

  static String of(Method m) {
    StringBuilder b = new StringBuilder("(");
    for (Class<?> p : m.getParameterTypes()) b.append(of(p));
    return b.append(')').append(of(m.getReturnType())).toString();
  }

  static String of(Class<?> c) {
    if (c.isArray()) return c.getName().replace('.', '/');
    if (!c.isPrimitive()) return "L" + c.getName().replace('.', '/') + ";";
    if (c == void.class) return "V";
    if (c == boolean.class) return "Z";
    if (c == byte.class) return "B";
    if (c == char.class) return "C";
    if (c == short.class) return "S";
    if (c == int.class) return "I";
    if (c == long.class) return "J";
    if (c == float.class) return "F";
    return "D";
  }
}
