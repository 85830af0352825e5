package dev.switchboard.runtime.advice;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.List;

/**
 * The transformer the JVM calls for every class it defines or retransforms: hands the class to the weaver only
 * when some advice could match it. With no advice live (the usual case) a class load costs one volatile read;
 * with only exact-class advice, a name comparison per advice. Only subtype advice makes the weaver parse classes.
 */
final class GatedTransformer implements ClassFileTransformer {
  private final java.util.function.Supplier<List<AdviceEntry>> weaving;
  private final ClassFileTransformer weaver;
  private final WovenClasses woven;

  /**
   * @param weaving the advice to weave now ({@link AdviceEngine#weaving()})
   * @param woven told the bytes of classes the weaver changed, and of those classes when they are restored
   */
  GatedTransformer(java.util.function.Supplier<List<AdviceEntry>> weaving, ClassFileTransformer weaver, WovenClasses woven) {
    this.weaving = weaving;
    this.weaver = weaver;
    this.woven = woven;
  }

  private boolean mayMatch(String internalName) {
    List<AdviceEntry> now = weaving.get();
    if (now.isEmpty() || internalName == null) return false;
    for (AdviceEntry e : now) {
      if (e.advice.match() == dev.switchboard.api.MethodAdvice.Match.SUBTYPES || e.internalName.equals(internalName)) return true;
    }
    return false;
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain pd, byte[] bytes)
      throws IllegalClassFormatException {
    if (mayMatch(className)) return record(loader, className, bytes, weaver.transform(loader, className, redefined, pd, bytes));
    return redefined != null && woven.tracked(loader, className) ? record(loader, className, bytes, null) : null;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined, ProtectionDomain pd,
      byte[] bytes) throws IllegalClassFormatException {
    if (mayMatch(className)) {
      return record(loader, className, bytes, weaver.transform(module, loader, className, redefined, pd, bytes));
    }
    return redefined != null && woven.tracked(loader, className) ? record(loader, className, bytes, null) : null;
  }

  private byte[] record(ClassLoader loader, String className, byte[] in, byte[] out) {
    woven.transformed(loader, className, in, out);
    return out;
  }
}
