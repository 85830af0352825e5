package dev.switchboard.it.runtime;

import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * A host JVM that knows nothing of Switchboard (no plugin API on its class path). Reads {@code
 * probe <class>} lines on stdin and answers {@code FOUND <class>} or {@code CNFE <class>}, as
 * seen from the host's own (system) class loader.
 */
public final class IdleHost {
  private IdleHost() {}

  public static void main(String[] args) throws Exception {
    System.out.println("READY " + ProcessHandle.current().pid());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    String line;
    while ((line = in.readLine()) != null) {
      line = line.trim();
      if (!line.startsWith("probe ")) continue;
      String name = line.substring(6).trim();
      try {
        Class.forName(name, false, IdleHost.class.getClassLoader());
        System.out.println("FOUND " + name);
      } catch (ClassNotFoundException e) {
        System.out.println("CNFE " + name);
      }
    }
  }
}
