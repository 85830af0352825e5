package dev.switchboard.spring;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.Extensions;
import java.util.List;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

/**
 * Registers a bean {@code ExtensionPoint<T>} for each interface named in {@value #PROPERTY} (a list
 * of class names), named {@code switchboardPoint:<class name>}. A name that is not an interface of
 * the application stops the start naming the property and the value.
 */
public final class ExtensionPointBeans implements BeanDefinitionRegistryPostProcessor, BeanClassLoaderAware {
  public static final String PROPERTY = "switchboard.extension-points";

  private final Environment environment;
  private ClassLoader loader = ExtensionPointBeans.class.getClassLoader();

  ExtensionPointBeans(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setBeanClassLoader(ClassLoader classLoader) {
    this.loader = classLoader;
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
    List<String> names = Binder.get(environment).bind(PROPERTY, String[].class).map(List::of).orElse(List.of());
    for (String name : names) {
      Class<?> type;
      try {
        type = Class.forName(name.trim(), false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalStateException(PROPERTY + ": no such class '" + name + "' (" + e + ")", e);
      }
      if (!type.isInterface()) throw new IllegalStateException(PROPERTY + ": '" + name + "' is not an interface");
      register(registry, type);
    }
  }

  private static <T> void register(BeanDefinitionRegistry registry, Class<T> type) {
    RootBeanDefinition d = new RootBeanDefinition(ExtensionPoint.class, () -> Extensions.point(type));
    d.setTargetType(ResolvableType.forClassWithGenerics(ExtensionPoint.class, type));
    registry.registerBeanDefinition("switchboardPoint:" + type.getName(), d);
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}
}
