package dev.switchboard.runtime.advice;

import java.util.Map;

/** Whether a replacement return value fits a method's return type (the woven code would cast it). */
final class ReturnTypes {
  private static final Map<Character, Class<?>> BOXES = Map.of('Z', Boolean.class, 'B', Byte.class, 'C', Character.class,
      'S', Short.class, 'I', Integer.class, 'J', Long.class, 'F', Float.class, 'D', Double.class);

  private ReturnTypes() {}

  /** Null when {@code value} can be returned from a method returning {@code descriptor} declared by {@code owner}. */
  static String problem(String descriptor, Class<?> owner, Object value) {
    char c = descriptor.charAt(0);
    if (c == 'V') return null;
    Class<?> box = BOXES.get(c);
    if (box != null) {
      return box.isInstance(value) ? null
          : "returnValue: the method returns " + descriptor + ", so the value must be a " + box.getSimpleName() + ", got "
              + (value == null ? "null" : value.getClass().getName());
    }
    if (value == null) return null;
    String name = c == '[' ? descriptor.replace('/', '.') : descriptor.substring(1, descriptor.length() - 1).replace('/', '.');
    Class<?> type;
    try {
      type = Class.forName(name, false, owner == null ? null : owner.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return "returnValue: the method's return type " + name + " cannot be resolved: " + e;
    }
    return type.isInstance(value) ? null
        : "returnValue: a " + value.getClass().getName() + " is not a " + type.getName() + " (the method's return type)";
  }
}
