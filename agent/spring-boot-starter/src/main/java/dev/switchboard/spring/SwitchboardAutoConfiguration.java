package dev.switchboard.spring;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.HostPackages;
import dev.switchboard.servlet.PluginFilters;
import jakarta.servlet.Filter;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Makes a Spring Boot application a Switchboard host. Nothing here starts or needs the runtime: the
 * runtime is attached later (or loaded with {@code -javaagent}) and binds to the plugin API this
 * application's launcher loader holds.
 *
 * <ul>
 *   <li>Extension point beans: every interface named in {@value ExtensionPointBeans#PROPERTY}
 *       becomes a bean {@code ExtensionPoint<T>} the application injects and calls; a bean method
 *       returning {@code Extensions.point(T.class)} does the same by hand.
 *   <li>Spring MVC (servlet web application): the ready-made points {@link PluginFilters} (servlet
 *       filters of plugins, ahead of the application's filters) and {@link PluginInterceptors} (Spring
 *       MVC handler interceptors of plugins); their packages are announced so plugins see them.
 *   <li>Actuator (when present): the endpoint {@code switchboard} with plugin states, extension
 *       points and host packages.
 * </ul>
 *
 * Switched off with {@code switchboard.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnProperty(name = "switchboard.enabled", havingValue = "true", matchIfMissing = true)
public class SwitchboardAutoConfiguration {
  @Bean
  static ExtensionPointBeans switchboardExtensionPointBeans(Environment environment) {
    return new ExtensionPointBeans(environment);
  }

  /** The Spring MVC points. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass({Filter.class, HandlerInterceptor.class})
  static class Mvc {
    Mvc() {
      // what a plugin filter or interceptor needs to see besides the point interfaces themselves
      HostPackages.export(Filter.class, "jakarta.servlet.*");
      HostPackages.export(HandlerInterceptor.class, "org.springframework.web.servlet", "org.springframework.http");
    }

    @Bean
    @ConditionalOnMissingBean(name = "switchboardPluginFilters")
    FilterRegistrationBean<PluginFilters> switchboardPluginFilters(Environment env) {
      FilterRegistrationBean<PluginFilters> r = new FilterRegistrationBean<>(new PluginFilters());
      r.setName("switchboardPluginFilters");
      r.setOrder(env.getProperty("switchboard.filter-order", Integer.class, Ordered.HIGHEST_PRECEDENCE + 100));
      r.setUrlPatterns(List.of("/*"));
      return r;
    }

    @Bean
    WebMvcConfigurer switchboardPluginInterceptors() {
      return new WebMvcConfigurer() {
        @Override
        public void addInterceptors(InterceptorRegistry registry) {
          registry.addInterceptor(new PluginInterceptors());
        }
      };
    }
  }

  /** The actuator endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  static class Actuator {
    @Bean
    @ConditionalOnMissingBean
    SwitchboardEndpoint switchboardEndpoint(ObjectProvider<ExtensionPoint<?>> points) {
      return new SwitchboardEndpoint(points);
    }
  }
}
