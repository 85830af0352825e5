package dev.switchboard.sample.webapp.model;

/** A class that exists only in the webapp's loader (WEB-INF/classes): the target of an export test. */
public final class Greeting {
  private Greeting() {}

  public static String text() {
    return "hello from the webapp";
  }
}
