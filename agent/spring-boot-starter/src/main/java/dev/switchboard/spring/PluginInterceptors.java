package dev.switchboard.spring;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.Extensions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;

/**
 * The ready-made Spring MVC point: one {@link HandlerInterceptor} the starter adds to every handler
 * mapping; it calls every plugin's {@link HandlerInterceptor} registered at {@code
 * Extensions.point(HandlerInterceptor.class)}. {@code preHandle} stops at the first plugin that
 * answers false (it wrote the response); {@code postHandle} and {@code afterCompletion} reach every
 * plugin interceptor active at that moment.
 */
public final class PluginInterceptors implements HandlerInterceptor {
  /** The point plugins register their interceptors at. */
  public static final ExtensionPoint<HandlerInterceptor> POINT = Extensions.point(HandlerInterceptor.class);

  private record Pre(HttpServletRequest request, HttpServletResponse response, Object handler) {}

  private record Post(HttpServletRequest request, HttpServletResponse response, Object handler, ModelAndView mav, Exception ex) {}

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (POINT.isEmpty()) return true;
    return POINT.forEachWhile(PluginInterceptors::pre, new Pre(request, response, handler));
  }

  @Override
  public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler, ModelAndView mav) {
    if (!POINT.isEmpty()) POINT.forEach(PluginInterceptors::post, new Post(request, response, handler, mav, null));
  }

  @Override
  public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
    if (!POINT.isEmpty()) POINT.forEach(PluginInterceptors::after, new Post(request, response, handler, null, ex));
  }

  private static boolean pre(HandlerInterceptor i, Pre p) {
    try {
      return i.preHandle(p.request(), p.response(), p.handler());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("plugin interceptor " + i.getClass().getName() + " failed: " + e, e);
    }
  }

  private static void post(HandlerInterceptor i, Post p) {
    try {
      i.postHandle(p.request(), p.response(), p.handler(), p.mav());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("plugin interceptor " + i.getClass().getName() + " failed: " + e, e);
    }
  }

  private static void after(HandlerInterceptor i, Post p) {
    try {
      i.afterCompletion(p.request(), p.response(), p.handler(), p.ex());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("plugin interceptor " + i.getClass().getName() + " failed: " + e, e);
    }
  }
}
