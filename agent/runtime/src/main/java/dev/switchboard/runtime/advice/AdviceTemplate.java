package dev.switchboard.runtime.advice;

import dev.switchboard.dispatch.Dispatch;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The code inlined into every advised host method (Byte Buddy {@link Advice}; never loaded by the host): a call
 * to {@link Dispatch} with the site's id at entry, and one at every exit when entry gave a token. This is all the
 * woven bytecode does; which handlers run is decided by the runtime behind the dispatcher.
 */
final class AdviceTemplate {
  private AdviceTemplate() {}

  /** Bound to the site's id (a constant per woven method). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  @interface SiteId {}

  @Advice.OnMethodEnter
  static Object enter(@SiteId int id, @Advice.Origin Class<?> type, @Advice.This(optional = true) Object self,
      @Advice.AllArguments Object[] args) throws Throwable {
    return Dispatch.enter(id, type, self, args);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class)
  static void exit(@Advice.Enter Object token,
      @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
      @Advice.Thrown(readOnly = false) Throwable thrown) throws Throwable {
    if (token != null) {
      Object outcome = Dispatch.exit(token, returned, thrown);
      if (outcome != Dispatch.SAME) {
        returned = outcome;
        thrown = null;
      }
    }
  }
}
