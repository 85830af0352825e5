package dev.switchboard.runtime.boot;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Entry of {@code dist/switchboard-runtime.jar}: {@code agentmain} (Attach API) and {@code
 * premain} ({@code -javaagent}). This jar is appended to the host's system class path, so it holds
 * only this package (JDK only). The real runtime, its libraries and the control channel are nested
 * jars, extracted to a private directory and loaded by an {@link IsolatedLoader} that shows them
 * only the JDK and the plugin API: host classes can never see them, and they never see the host.
 * The plugin API is the host's own copy wherever the host's loaders define it ({@link ApiBinding});
 * the nested copy is appended to the system class path only when the host has none.
 *
 * <p>Attaching again finds the running runtime (the static {@link #reattach} hook and the system
 * property {@value #STARTED_PROPERTY}) and only asks it to make sure its control socket is
 * published; nothing is started twice.
 */
public final class Boot {
  /** Set in the host once the runtime runs: its version. */
  public static final String STARTED_PROPERTY = "switchboard.runtime.version";
  static final String ENTRY_CLASS = "dev.switchboard.runtime.control.RuntimeEntry";

  private static volatile Consumer<Map<String, String>> reattach; // written under Boot.class and NOTES; note() reads it under NOTES
  /** Lines of the bootstrap written before the runtime's hook existed; guarded by itself. */
  private static final java.util.List<String> NOTES = new java.util.ArrayList<>();

  private Boot() {}

  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst, "agentmain");
  }

  /**
   * {@code -javaagent}: a failure is printed and the host starts anyway, without the runtime (an
   * exception here would abort the host's launch).
   */
  public static void premain(String args, Instrumentation inst) {
    try {
      start(args, inst, "premain");
    } catch (RuntimeException e) {
      log("runtime NOT started, the host runs without it: " + e.getMessage());
      e.printStackTrace();
    }
  }

  private static synchronized void start(String rawArgs, Instrumentation inst, String how) {
    Map<String, String> args = BootArgs.parse(rawArgs);
    if (reattach != null) {
      reattach.accept(Map.of("bootLog", "already running (version " + System.getProperty(STARTED_PROPERTY) + "); " + how
          + " re-publishes the control channel only"));
      reattach.accept(args);
      return;
    }
    if (System.getProperty(STARTED_PROPERTY) != null) {
      throw new IllegalStateException("a switchboard runtime (version " + System.getProperty(STARTED_PROPERTY)
          + ") was started in this JVM by another bootstrap; refusing to start a second one");
    }
    long t0 = System.nanoTime();
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try {
      NestedJars jars = NestedJars.extract(Boot.class);
      long tExtracted = System.nanoTime();
      args.putIfAbsent("runtimeVersion", jars.version());
      args.put("startedVia", how);
      ApiBinding api = new ApiBinding(inst, jars.pluginApi());
      IsolatedLoader loader = IsolatedLoader.create(jars.runtimeImpl(), api);
      Thread.currentThread().setContextClassLoader(loader);
      Class<?> entry = Class.forName(ENTRY_CLASS, true, loader);
      long tLoaded = System.nanoTime();
      Method m = entry.getMethod("start", Map.class, Instrumentation.class, Runnable.class);
      Runnable onDetached = () -> detached(loader, jars, api.appended());
      @SuppressWarnings("unchecked")
      Consumer<Map<String, String>> hook = (Consumer<Map<String, String>>) m.invoke(null, args, inst, onDetached);
      java.util.List<String> early;
      synchronized (NOTES) {
        reattach = hook;
        early = java.util.List.copyOf(NOTES);
        NOTES.clear();
      }
      for (String line : early) hook.accept(Map.of("bootLog", line));
      System.setProperty(STARTED_PROPERTY, jars.version());
      long tEnd = System.nanoTime();
      hook.accept(Map.of("bootLog", "runtime " + jars.version() + " started via " + how + " in " + millis(tEnd - t0)
          + " ms (nested jars " + millis(tExtracted - t0) + " ms, loader " + millis(tLoaded - tExtracted) + " ms, control channel "
          + millis(tEnd - tLoaded) + " ms)"));
    } catch (java.lang.reflect.InvocationTargetException e) {
      flushNotes();
      Throwable c = e.getCause();
      throw new IllegalStateException("switchboard runtime failed to start: " + c, c);
    } catch (Exception e) {
      flushNotes();
      throw new IllegalStateException("switchboard runtime failed to start: " + e, e);
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  /**
   * The runtime was detached (every plugin stopped, its channel closed): forget it, close its loader and delete
   * its extracted jar, so nothing in the host refers to the loader any more and a later attach starts afresh.
   * The plugin API jar stays when it was appended to the host's class path (the host's loader keeps it open).
   */
  private static synchronized void detached(IsolatedLoader loader, NestedJars jars, boolean apiAppended) {
    synchronized (NOTES) {
      reattach = null;
    }
    System.clearProperty(STARTED_PROPERTY);
    try {
      loader.close();
    } catch (java.io.IOException e) {
      log("detach: closing the runtime's loader failed: " + e);
    }
    jars.deleteAfterDetach(apiAppended);
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }

  /**
   * A line of the bootstrap written through the host's logging framework by the running runtime; written by
   * {@link #log} only while no runtime runs yet.
   */
  static void note(String message) {
    // not Boot.class: the binding may run on a thread loading an API class while the attach thread holds Boot.class
    // and waits for that same binding; a line written before the runtime's hook exists is kept for it
    Consumer<Map<String, String>> hook;
    synchronized (NOTES) {
      hook = reattach;
      if (hook == null) {
        NOTES.add(message);
        return;
      }
    }
    hook.accept(Map.of("bootLog", message));
  }

  /** The runtime did not start: its early lines go to stderr. */
  private static void flushNotes() {
    java.util.List<String> early;
    synchronized (NOTES) {
      early = java.util.List.copyOf(NOTES);
      NOTES.clear();
    }
    for (String line : early) log(line);
  }

  /** Only where no runtime runs to log through the host's framework (a failed start, a failed cleanup). */
  static void log(String message) {
    System.err.println("[switchboard] " + message);
  }
}
