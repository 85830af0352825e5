package dev.switchboard.servlet;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.Extensions;
import dev.switchboard.api.HostPackages;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;

/**
 * The ready-made servlet filter point: one filter the application registers (in {@code web.xml},
 * or the Spring Boot starter does it)
 * that runs every plugin's {@link Filter} registered at {@code Extensions.point(jakarta.servlet.Filter.class)}
 * as a nested chain ahead of the application's own chain. Each plugin filter runs inside a call of
 * the point (a nested filter is a re-entrant call), so a deactivation or an upgrade waits for the
 * requests inside a plugin's filter before stopping it. With no plugin filter: one volatile read.
 */
public final class PluginFilters implements Filter {
  /** The point plugins register their servlet filters at. */
  public static final ExtensionPoint<Filter> POINT = Extensions.point(Filter.class);

  static {
    // what a plugin filter needs besides the Filter interface: requests, responses, the http types
    HostPackages.export(Filter.class, "jakarta.servlet.*");
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
    if (POINT.isEmpty()) {
      chain.doFilter(request, response);
      return;
    }
    new Step(chain, 0).doFilter(request, response);
  }

  /** The chain a plugin filter gets: the next plugin filter, or the application's chain after the last. */
  private static final class Step implements FilterChain {
    private final FilterChain app;
    private final int index;

    Step(FilterChain app, int index) {
      this.app = app;
      this.index = index;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
      Call call = new Call(this, request, response);
      try {
        POINT.forEachWhile(Call::visit, call);
      } catch (Carrier c) {
        c.rethrow();
      }
      if (!call.ran) app.doFilter(request, response); // past the last plugin filter
    }
  }

  /** One level of the chain: runs the filter at {@code step.index} of the snapshot. */
  private static final class Call {
    final Step step;
    final ServletRequest request;
    final ServletResponse response;
    int seen;
    boolean ran;

    Call(Step step, ServletRequest request, ServletResponse response) {
      this.step = step;
      this.request = request;
      this.response = response;
    }

    static boolean visit(Filter f, Call c) {
      if (c.seen++ < c.step.index) return true;
      c.ran = true;
      try {
        f.doFilter(c.request, c.response, new Step(c.step.app, c.step.index + 1));
      } catch (IOException | ServletException e) {
        throw new Carrier(e);
      }
      return false;
    }
  }

  /** Carries a checked exception of a plugin filter out of the point call. */
  private static final class Carrier extends RuntimeException {
    Carrier(Exception cause) {
      super(cause);
    }

    void rethrow() throws IOException, ServletException {
      if (getCause() instanceof IOException io) throw io;
      throw (ServletException) getCause();
    }
  }
}
