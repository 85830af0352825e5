package dev.switchboard.runtime.advice;

import java.security.ProtectionDomain;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * The runtime's one class file transformer (retransformation-capable, so it also sees classes when they load):
 * weaves {@link AdviceTemplate} into every method that some advice in {@link AdviceEngine#weaving()} matches,
 * each with its own dispatcher id. A class no advice matches is left alone, which is how a retransformation
 * restores the original bytecode. Class format changes are disabled: only method bodies change.
 */
final class Weaver {
  private final AdviceEngine engine;
  private final ClassFileLocator templateLocator = ClassFileLocator.ForClassLoader.of(AdviceTemplate.class.getClassLoader());

  Weaver(AdviceEngine engine) {
    this.engine = engine;
  }

  java.lang.instrument.ClassFileTransformer transformer() {
    return new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
        .with(new AgentBuilder.Listener.Adapter() {
          @Override
          public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
            engine.weaveFailed(typeName, String.valueOf(t));
          }
        })
        .ignore(ElementMatchers.none())
        .type(this::matches)
        .transform(this::weave)
        .makeRaw();
  }

  private boolean matches(TypeDescription type, ClassLoader loader, JavaModule module, Class<?> redefined,
      ProtectionDomain pd) {
    List<AdviceEntry> weaving = engine.weaving();
    if (weaving.isEmpty() || !engine.mayWeave(type.getName(), loader)) return false;
    Set<String> supers = null;
    for (AdviceEntry e : weaving) {
      if (e.matchesType(type.getName(), Set.of())) return true;
      if (e.advice.match() == dev.switchboard.api.MethodAdvice.Match.SUBTYPES) {
        if (supers == null) supers = supertypes(type);
        if (supers.contains(e.advice.typeName())) return true;
      }
    }
    return false;
  }

  private DynamicType.Builder<?> weave(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
      JavaModule module, ProtectionDomain pd) {
    List<AdviceEntry> weaving = engine.weaving();
    Set<String> supers = supertypes(type);
    int loaderId = loader == null ? 0 : System.identityHashCode(loader);
    for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
      if (!m.isMethod() || m.isAbstract() || m.isNative() || m.isBridge()) continue;
      SiteInfo info = new SiteInfo(loaderId, type.getName(), m.getInternalName(), m.getDescriptor(), supers);
      boolean wanted = false;
      for (AdviceEntry e : weaving) {
        if (e.matches(info)) {
          wanted = true;
          break;
        }
      }
      if (!wanted) continue;
      AdvisedSite site = engine.site(info);
      builder = builder.visit(Advice.withCustomMapping().bind(AdviceTemplate.SiteId.class, site.id)
          .to(AdviceTemplate.class, templateLocator)
          .on(ElementMatchers.named(m.getInternalName()).and(ElementMatchers.hasDescriptor(m.getDescriptor()))));
    }
    return builder;
  }

  /** Binary names of every superclass and interface of {@code type} that can be resolved. */
  static Set<String> supertypes(TypeDescription type) {
    Set<String> out = new LinkedHashSet<>();
    Deque<TypeDefinition> todo = new ArrayDeque<>();
    todo.add(type);
    while (!todo.isEmpty()) {
      TypeDefinition t = todo.poll();
      try {
        TypeDescription.Generic sup = t.getSuperClass();
        if (sup != null && out.add(sup.asErasure().getName())) todo.add(sup);
        for (TypeDescription.Generic i : t.getInterfaces()) {
          if (out.add(i.asErasure().getName())) todo.add(i);
        }
      } catch (RuntimeException | LinkageError e) {
        // a supertype the type pool cannot resolve: matched by what was found
      }
    }
    return out;
  }

  /** The same for a loaded class. */
  static Set<String> supertypes(Class<?> type) {
    Set<String> out = new LinkedHashSet<>();
    Deque<Class<?>> todo = new ArrayDeque<>();
    todo.add(type);
    while (!todo.isEmpty()) {
      Class<?> t = todo.poll();
      Class<?> sup = t.getSuperclass();
      if (sup != null && out.add(sup.getName())) todo.add(sup);
      for (Class<?> i : t.getInterfaces()) {
        if (out.add(i.getName())) todo.add(i);
      }
    }
    return out;
  }
}
