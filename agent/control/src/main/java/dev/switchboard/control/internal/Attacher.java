package dev.switchboard.control.internal;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import dev.switchboard.control.ControlException;
import dev.switchboard.control.Jvms;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Every use of the Attach API ({@code jdk.attach}) lives in this class, so a Java runtime without
 * that module fails here only, with {@code ATTACH_UNAVAILABLE} (see {@link #available()}).
 */
public final class Attacher {
  private Attacher() {}

  /** True when this Java runtime has the {@code jdk.attach} module. */
  public static boolean available() {
    return ModuleLayer.boot().findModule("jdk.attach").isPresent();
  }

  static ControlException unavailable(Throwable cause) {
    return new ControlException(ControlException.Code.ATTACH_UNAVAILABLE,
        "this Java runtime (" + System.getProperty("java.home") + ", " + System.getProperty("java.version")
            + ") has no jdk.attach module; run switchboard with a full JDK, not a JRE or a jlink image without jdk.attach",
        cause);
  }

  /** The JVMs the Attach API sees (same user, attach enabled or not). */
  public static List<Jvms.Jvm> list() {
    if (!available()) throw unavailable(null);
    try {
      return Impl.list();
    } catch (LinkageError e) {
      throw unavailable(e);
    }
  }

  /**
   * Attaches to {@code pid}, loads {@code agentJar} with {@code args} and detaches.
   *
   * @return the host's system property {@code key} read after loading, or null
   */
  public static String loadAgent(long pid, Path agentJar, String args, String propertyToRead) {
    if (!available()) throw unavailable(null);
    try {
      return Impl.loadAgent(pid, agentJar, args, propertyToRead);
    } catch (LinkageError e) {
      throw unavailable(e);
    }
  }

  /**
   * Loads the Attach API provider (and its native library) and the fast listener start, so that the
   * first attach does not pay for it; a no-op without {@code jdk.attach}.
   */
  static void prepare() {
    if (!available()) return;
    AttachListenerStart.prepare();
    Impl.prepare();
  }

  /** Kept separate so that loading {@link Attacher} itself never needs jdk.attach. */
  private static final class Impl {
    static void prepare() {
      com.sun.tools.attach.spi.AttachProvider.providers(); // loads the provider and libattach
      for (String c : new String[] {"sun.tools.attach.HotSpotVirtualMachine", "sun.tools.attach.VirtualMachineImpl"}) {
        try {
          Class.forName(c, true, VirtualMachine.class.getClassLoader());
        } catch (ClassNotFoundException e) {
          System.getLogger("dev.switchboard.control.attach").log(System.Logger.Level.DEBUG, "attach: " + c + " not found (" + e + "); not prepared");
        }
      }
    }

    static List<Jvms.Jvm> list() {
      List<Jvms.Jvm> out = new ArrayList<>();
      for (VirtualMachineDescriptor d : VirtualMachine.list()) {
        long pid;
        try {
          pid = Long.parseLong(d.id());
        } catch (NumberFormatException e) {
          continue;
        }
        out.add(new Jvms.Jvm(pid, d.displayName()));
      }
      return out;
    }

    static String loadAgent(long pid, Path agentJar, String args, String propertyToRead) {
      long listenerTimeout = attachTimeoutMillis();
      AttachListenerStart.Result started = AttachListenerStart.start(pid, listenerTimeout);
      switch (started.outcome()) {
        case NO_ANSWER -> throw new ControlException(ControlException.Code.ATTACH_REFUSED,
            refusedHint(pid, "its attach listener did not start within " + listenerTimeout + " ms of SIGQUIT"));
        case NOT_ATTACHABLE -> throw new ControlException(ControlException.Code.ATTACH_REFUSED, refusedHint(pid, started.detail()));
        case NO_QUIT_HANDLER -> throw new ControlException(ControlException.Code.ATTACH_REFUSED, started.detail()
            + "; if it is a JVM that is starting, the next attempt will find it ready");
        case INTERRUPTED -> {
          throw new ControlException(ControlException.Code.TIMEOUT, "interrupted while waiting for the attach listener of " + pid);
        }
        default -> {
          // ALREADY_LISTENING, STARTED: the Attach API connects at once; NOT_TRIED: it does everything itself
        }
      }
      VirtualMachine vm;
      try {
        vm = VirtualMachine.attach(Long.toString(pid));
      } catch (AttachNotSupportedException e) {
        throw new ControlException(ControlException.Code.ATTACH_REFUSED, refusedHint(pid, e.getMessage()), e);
      } catch (IOException e) {
        throw new ControlException(ControlException.Code.ATTACH_REFUSED, refusedHint(pid, e.getMessage()), e);
      } catch (SecurityException e) {
        throw new ControlException(ControlException.Code.ATTACH_REFUSED, "attach to " + pid + " not permitted: " + e.getMessage(), e);
      }
      try {
        vm.loadAgent(agentJar.toString(), args);
        if (propertyToRead == null) return null;
        Properties p = vm.getSystemProperties();
        return p.getProperty(propertyToRead);
      } catch (AgentLoadException e) {
        throw new ControlException(ControlException.Code.FAILED,
            "host " + pid + " could not load " + agentJar + " (not readable by the host, or not an agent jar): " + e.getMessage(), e);
      } catch (AgentInitializationException e) {
        throw new ControlException(ControlException.Code.FAILED,
            "the runtime failed to start inside host " + pid + " (see the host's stderr): " + e.getMessage() + " (code " + e.returnValue() + ")", e);
      } catch (IOException e) {
        throw new ControlException(ControlException.Code.ATTACH_REFUSED, "loading the runtime into " + pid + " failed: " + e.getMessage(), e);
      } finally {
        try {
          vm.detach();
        } catch (IOException e) {
          System.getLogger("dev.switchboard.control.attach").log(System.Logger.Level.DEBUG, "detach from " + pid + " failed: " + e);
        }
      }
    }

    /** The Attach API's own timeout for the listener to come up ({@code sun.tools.attach.attachTimeout}, default 10 s). */
    private static long attachTimeoutMillis() {
      try {
        long t = Long.parseLong(System.getProperty("sun.tools.attach.attachTimeout", "10000"));
        return t > 0 ? t : 10_000;
      } catch (NumberFormatException e) {
        return 10_000;
      }
    }

    private static String refusedHint(long pid, String why) {
      return "host " + pid + " refused attach (" + why + "). Possible causes: the JVM runs with "
          + "-XX:+DisableAttachMechanism, runs as another user, is not a HotSpot JVM, or is still starting up";
    }
  }
}
