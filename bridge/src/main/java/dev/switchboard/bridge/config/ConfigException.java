package dev.switchboard.bridge.config;

import java.util.List;

/** The bridge configuration is unusable; the message names every offending key and value. Start-up stops. */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(String message) {
    this(List.of(message));
  }

  public ConfigException(List<String> problems) {
    super(problems.size() == 1 ? problems.get(0) : "invalid bridge configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
