package dev.switchboard.sample.spring;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.sample.spi.Exchange;
import dev.switchboard.sample.spi.RequestFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs the sample plugins ({@link RequestFilter}s, the same jars the Vert.x sample host runs) on this
 * application's requests: the {@code ExtensionPoint<RequestFilter>} bean comes from the starter
 * ({@code switchboard.extension-points}). A filter that answers ends the request before the
 * controller; otherwise the controller answers, with the headers the filters set.
 */
@Component
public class SampleSpiFilter extends OncePerRequestFilter {
  private final ExtensionPoint<RequestFilter> filters;

  public SampleSpiFilter(ExtensionPoint<RequestFilter> filters) {
    this.filters = filters;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws ServletException, IOException {
    if (filters.isEmpty()) {
      chain.doFilter(req, res);
      return;
    }
    ServletExchange ex = new ServletExchange(req, res);
    boolean pass = filters.forEachWhile(RequestFilter::filter, ex);
    if (pass) {
      chain.doFilter(req, res);
      ex.status = res.getStatus();
    } else {
      res.setStatus(ex.status);
      res.setContentType("text/plain;charset=utf-8");
      res.getOutputStream().write(ex.body.getBytes(StandardCharsets.UTF_8));
    }
    filters.forEach(RequestFilter::completed, ex);
  }

  static final class ServletExchange implements Exchange {
    private final HttpServletRequest req;
    private final HttpServletResponse res;
    private final long start = System.nanoTime();
    int status = 200;
    String body = "";

    ServletExchange(HttpServletRequest req, HttpServletResponse res) {
      this.req = req;
      this.res = res;
    }

    @Override
    public String method() {
      return req.getMethod();
    }

    @Override
    public String path() {
      return req.getRequestURI();
    }

    @Override
    public String requestHeader(String name) {
      return req.getHeader(name);
    }

    @Override
    public String clientAddress() {
      return req.getRemoteAddr();
    }

    @Override
    public void setResponseHeader(String name, String value) {
      res.setHeader(name, value);
    }

    @Override
    public void respond(int status, String body) {
      if (status < 100 || status > 599) throw new IllegalArgumentException("status out of range 100..599: " + status);
      this.status = status;
      this.body = body == null ? "" : body;
    }

    @Override
    public int status() {
      return status;
    }

    @Override
    public long elapsedNanos() {
      return System.nanoTime() - start;
    }
  }
}
