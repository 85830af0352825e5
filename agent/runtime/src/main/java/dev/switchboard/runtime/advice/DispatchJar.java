package dev.switchboard.runtime.advice;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;

/**
 * Puts {@code dev.switchboard.dispatch.Dispatch} on the bootstrap class path, once per JVM: copied out of the
 * runtime's jar (resource {@value #RESOURCE}) and appended with {@link
 * Instrumentation#appendToBootstrapClassLoaderSearch}. A later runtime in the same JVM (after a detach) finds it
 * there. The file stays for the JVM's life (the bootstrap loader reads it).
 */
public final class DispatchJar {
  static final String CLASS = "dev.switchboard.dispatch.Dispatch";
  static final String RESOURCE = "/META-INF/switchboard/dispatch.jar";

  private DispatchJar() {}

  public static synchronized void ensure(Instrumentation inst) {
    if (visible(null) || visible(DispatchJar.class.getClassLoader())) return; // appended before, or on a test class path
    try (InputStream in = DispatchJar.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("the runtime jar has no " + RESOURCE + ": method advice is unavailable");
      Path jar = Files.createTempFile("switchboard-dispatch-", ".jar");
      Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
      jar.toFile().deleteOnExit();
      inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot put the advice dispatcher on the bootstrap class path: " + e, e);
    }
    if (!visible(null)) throw new IllegalStateException("the advice dispatcher is not visible after appending it");
  }

  private static boolean visible(ClassLoader loader) {
    try {
      Class.forName(CLASS, false, loader);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
