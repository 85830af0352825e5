package dev.switchboard.sample.plugins.mvc;

import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * A Spring MVC interceptor plugin: registers a {@link HandlerInterceptor} at the point the Spring Boot starter calls
 * from every handler mapping. It runs after the handler is chosen, so it sees it: every handled request gets {@code
 * X-Switchboard-Mvc: <id>/<version>} and {@code X-Switchboard-Handler: <the handler>} (for a controller method,
 * {@code com.example.Controller#method(Args)}). A request carrying the header named by config {@code blockHeader}
 * (default {@code X-Block}) is answered 403 by {@code preHandle}, and the controller never runs.
 */
public final class MvcHeaderPlugin implements Plugin {
  @Override
  public void start(PluginContext ctx) {
    String value = ctx.pluginId() + "/" + ctx.version();
    String block = ctx.config().string("blockHeader", "X-Block");
    ctx.register(HandlerInterceptor.class, new Marker(value, block));
    ctx.logger().log(System.Logger.Level.INFO, "mvc-header: marking handled requests with X-Switchboard-Mvc: " + value
        + ", blocking requests with " + block);
  }

  static final class Marker implements HandlerInterceptor {
    private final String value;
    private final String block;

    Marker(String value, String block) {
      this.value = value;
      this.block = block;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws IOException {
      response.setHeader("X-Switchboard-Mvc", value);
      response.setHeader("X-Switchboard-Handler", String.valueOf(handler));
      if (request.getHeader(block) == null) return true;
      response.setStatus(403);
      response.setContentType("text/plain;charset=utf-8");
      response.getOutputStream().write(("blocked by " + value + " before " + handler).getBytes(StandardCharsets.UTF_8));
      return false;
    }
  }
}
