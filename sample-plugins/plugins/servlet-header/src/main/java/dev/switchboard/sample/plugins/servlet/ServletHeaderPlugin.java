package dev.switchboard.sample.plugins.servlet;

import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A servlet filter plugin: registers a {@code jakarta.servlet.Filter} at the host's servlet filter
 * point and adds {@code X-Switchboard-Servlet: <id>/<version>} to every response. With config
 * {@code probeClass}, it also loads that host class through its own loader (so only an exported
 * package works) and answers {@code X-Export-Probe: <loader name>} or {@code missing}.
 */
public final class ServletHeaderPlugin implements Plugin {
  @Override
  public void start(PluginContext ctx) {
    String value = ctx.pluginId() + "/" + ctx.version();
    String probe = ctx.config().string("probeClass", null);
    String probed = probe == null ? null : probe(probe);
    ctx.register(Filter.class, new Marker(value, probed));
    ctx.logger().log(System.Logger.Level.INFO, "servlet-header: adding X-Switchboard-Servlet: " + value
        + (probe == null ? "" : "; " + probe + " -> " + probed));
  }

  private String probe(String className) {
    try {
      Class<?> c = Class.forName(className, false, ServletHeaderPlugin.class.getClassLoader());
      ClassLoader l = c.getClassLoader();
      return l == null ? "bootstrap" : l.getClass().getSimpleName();
    } catch (ClassNotFoundException | LinkageError e) {
      return "missing";
    }
  }

  static final class Marker implements Filter {
    private final String value;
    private final String probed;

    Marker(String value, String probed) {
      this.value = value;
      this.probed = probed;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
      HttpServletResponse res = (HttpServletResponse) response;
      res.setHeader("X-Switchboard-Servlet", value);
      if (probed != null) res.setHeader("X-Export-Probe", probed);
      chain.doFilter(request, response);
    }
  }
}
