package dev.switchboard.sample.webapp;

import dev.switchboard.sample.webapp.model.Greeting;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The webapp's own servlet: knows nothing of Switchboard. */
public class HelloServlet extends HttpServlet {
  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setContentType("text/plain;charset=utf-8");
    resp.getWriter().write(Greeting.text());
  }
}
