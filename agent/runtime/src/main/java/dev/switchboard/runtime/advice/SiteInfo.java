package dev.switchboard.runtime.advice;

import java.util.Set;

/**
 * An advised method of one class in one loader: the key of its dispatcher id.
 *
 * @param loaderId identity hash of the defining loader (0: bootstrap); the loader itself is never held
 * @param supertypes binary names of every superclass and interface of the class (empty when not resolvable)
 */
record SiteInfo(int loaderId, String className, String methodName, String descriptor, Set<String> supertypes) {
  SiteInfo {
    supertypes = Set.copyOf(supertypes);
  }

  /** The id key: the same method of the same class and loader always gets the same dispatcher id. */
  String key() {
    return loaderId + "/" + className + "#" + methodName + descriptor;
  }

  /** The JVM return type descriptor. */
  String returnType() {
    return descriptor.substring(descriptor.indexOf(')') + 1);
  }
}
