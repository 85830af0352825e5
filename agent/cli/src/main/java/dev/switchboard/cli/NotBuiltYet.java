package dev.switchboard.cli;

/** Honest answer for verbs of CONTRACT §3 that are not built yet. */
final class NotBuiltYet {
  private NotBuiltYet() {}

  static int report(String verb) {
    System.err.println("switchboard " + verb + ": not built yet in this version.");
    return Main.EXIT_FAILED;
  }
}
