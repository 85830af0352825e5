package dev.switchboard.runtime.plugin.testspi;

/** The host SPI of the runtime tests (exported to plugins like a real host's SPI). */
public interface Greeter {
  String greet(String name);
}
