package dev.switchboard.dispatch;

/**
 * The only class woven host code calls: on the bootstrap class path (appended once by the runtime, it stays for
 * the JVM's life), so every host class can see it whatever its loader. It holds a table of advised sites by id;
 * the runtime installs a site when it weaves a method and clears it when it restores the method. It refers to
 * nothing but the JDK and the two interfaces below, which the runtime implements: no plugin or runtime class is
 * ever named in host bytecode. Keep it minimal; a change of shape needs a new package name.
 */
public final class Dispatch {
  /** Returned by {@link Call#exit} when the outcome stays as it is. */
  public static final Object SAME = new Object();

  /** One advised method. */
  public interface Site {
    /**
     * Runs the before handlers; returns the call's token for {@link #exit} (a {@link Call}), or null when no advice
     * is active. Throws only what an advice with the opt-in throws instead of the method.
     */
    Object enter(Class<?> type, Object self, Object[] args) throws Throwable;
  }

  /** One advised call in flight: it exits with the advice it entered with. */
  public interface Call {
    /** Runs the after handlers; returns {@link #SAME} or the value to return instead, or throws instead. */
    Object exit(Object returned, Throwable thrown) throws Throwable;
  }

  private static volatile Site[] sites = new Site[0];

  private Dispatch() {}

  /** Woven at the start of an advised method. */
  public static Object enter(int id, Class<?> type, Object self, Object[] args) throws Throwable {
    Site[] s = sites;
    if (id >= s.length) return null;
    Site site = s[id];
    return site == null ? null : site.enter(type, self, args);
  }

  /** Woven at every exit of an advised method when {@link #enter} gave a token. */
  public static Object exit(Object token, Object returned, Throwable thrown) throws Throwable {
    return ((Call) token).exit(returned, thrown);
  }

  /** Installs ({@code site} not null) or clears the site {@code id}. */
  public static synchronized void set(int id, Site site) {
    if (id < 0) throw new IllegalArgumentException("id < 0: " + id);
    Site[] s = sites;
    if (id >= s.length) {
      if (site == null) return;
      Site[] grown = new Site[Math.max(id + 1, s.length * 2)];
      System.arraycopy(s, 0, grown, 0, s.length);
      s = grown;
    } else {
      s = s.clone();
    }
    s[id] = site;
    sites = s;
  }

  /** Clears every site (the runtime detaches). */
  public static synchronized void clear() {
    sites = new Site[0];
  }
}
