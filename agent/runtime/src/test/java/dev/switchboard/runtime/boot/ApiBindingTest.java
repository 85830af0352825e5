package dev.switchboard.runtime.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiBindingTest {
  @TempDir Path dir;

  /** A loader like a Spring Boot launcher's or a webapp's: its own copy of the plugin API, the JDK as parent. */
  private static URLClassLoader childWithApi() {
    URL api = dev.switchboard.api.Plugin.class.getProtectionDomain().getCodeSource().getLocation();
    return new URLClassLoader("host-child", new URL[] {api}, ClassLoader.getPlatformClassLoader());
  }

  private static ClassLoader systemWithoutApi() {
    return new URLClassLoader("bare-system", new URL[0], ClassLoader.getPlatformClassLoader());
  }

  @Test
  void theHostsChildLoaderCopyIsUsedAndNothingIsAppended() throws Exception {
    try (URLClassLoader child = childWithApi()) {
      Class<?> hostExtensions = Class.forName("dev.switchboard.api.Extensions", true, child);
      List<JarFile> appended = new ArrayList<>();
      ApiBinding b = new ApiBinding(() -> new Class<?>[] {String.class, hostExtensions}, systemWithoutApi(), appended::add,
          dir.resolve("api.jar"));
      assertThat(b.loader()).isSameAs(child);
      assertThat(appended).isEmpty();
      assertThat(b.appended()).isFalse();
      try (IsolatedLoader runtime = IsolatedLoader.create(emptyJar(), b)) {
        assertThat(runtime.loadClass("dev.switchboard.api.Extensions")).isSameAs(hostExtensions);
      }
    }
  }

  @Test
  void theSystemLoaderWinsWhenItHasTheApiToo() throws Exception {
    try (URLClassLoader child = childWithApi()) {
      Class<?> childCopy = Class.forName("dev.switchboard.api.Extensions", false, child);
      ApiBinding b = new ApiBinding(() -> new Class<?>[] {childCopy}, ClassLoader.getSystemClassLoader(), jar -> {
        throw new AssertionError("appended");
      }, dir.resolve("api.jar"));
      assertThat(b.loader()).isSameAs(ClassLoader.getSystemClassLoader());
    }
  }

  @Test
  void aHostWithoutTheApiGetsTheNestedCopyAppended() throws Exception {
    Path nested = emptyJar();
    List<JarFile> appended = new ArrayList<>();
    ClassLoader system = systemWithoutApi();
    ApiBinding b = new ApiBinding(() -> new Class<?>[] {String.class}, system, appended::add, nested);
    assertThat(b.loader()).isSameAs(system);
    assertThat(appended).hasSize(1);
    assertThat(appended.get(0).getName()).isEqualTo(nested.toString());
    assertThat(b.loader()).isSameAs(system);
    assertThat(appended).as("chosen once").hasSize(1);
    assertThat(b.appended()).as("a detach must keep the appended jar: the host's loader holds it open").isTrue();
  }

  private Path emptyJar() throws Exception {
    Path p = Files.createTempFile(dir, "empty", ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(p))) {
      // nothing
    }
    return p;
  }
}
