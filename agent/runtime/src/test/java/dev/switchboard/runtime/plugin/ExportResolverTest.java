package dev.switchboard.runtime.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.HostPackages;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exports resolved against a child loader (like a webapp's or a Spring Boot launcher's), not the system loader. */
class ExportResolverTest {
  private static final ClassLoader BARE_SYSTEM = new URLClassLoader("bare-system", new URL[0], ClassLoader.getPlatformClassLoader());

  /** A loader of its own holding AssertJ, which the "system" loader of these tests does not see. */
  private static URLClassLoader webapp() {
    URL jar = org.assertj.core.api.Assertions.class.getProtectionDomain().getCodeSource().getLocation();
    return new URLClassLoader("webapp", new URL[] {jar}, ClassLoader.getPlatformClassLoader());
  }

  @Test
  void aPackageIsLoadedThroughTheLoaderThatDefinesIt() throws Exception {
    try (URLClassLoader webapp = webapp()) {
      Class<?> loaded = Class.forName("org.assertj.core.api.Assertions", false, webapp);
      ExportResolver r = new ExportResolver(() -> new Class<?>[] {String.class, loaded}, null, BARE_SYSTEM);
      r.ask(List.of("org.assertj.core.api"));
      HostExports e = r.current();
      assertThat(e.missing()).isEmpty();
      assertThat(e.load("org.assertj.core.api.Assertions", "org.assertj.core.api")).isSameAs(loaded);
      assertThat(e.isExported("org.assertj.core.data")).isFalse();
    }
  }

  @Test
  void aPackageWithItsSubPackagesIsFoundThroughItsDirectoryEvenBeforeAClassOfItLoaded() throws Exception {
    try (URLClassLoader webapp = webapp()) {
      Class<?> loaded = Class.forName("org.assertj.core.api.Assertions", false, webapp);
      ExportResolver r = new ExportResolver(() -> new Class<?>[] {loaded}, null, BARE_SYSTEM);
      r.ask(List.of("org.assertj.core.*"));
      HostExports e = r.current();
      assertThat(e.missing()).isEmpty();
      Class<?> offset = e.load("org.assertj.core.data.Offset", "org.assertj.core.data");
      assertThat(offset.getClassLoader()).isSameAs(webapp);
    }
  }

  @Test
  void packagesNoLoaderDefinesAreNamedAndFoundOnceTheyAppear() throws Exception {
    try (URLClassLoader webapp = webapp()) {
      Class<?>[] loaded = {String.class};
      ExportResolver r = new ExportResolver(() -> loaded, null, BARE_SYSTEM);
      r.ask(List.of("org.assertj.core.api", "no.such.pkg"));
      assertThat(r.current().missing()).containsExactly("org.assertj.core.api", "no.such.pkg");
      loaded[0] = Class.forName("org.assertj.core.api.Assertions", false, webapp); // the webapp was deployed meanwhile
      HostExports e = r.current();
      assertThat(e.missing()).containsExactly("no.such.pkg");
      assertThat(e.patterns()).contains("org.assertj.core.api");
    }
  }

  @Test
  void theHostsAnnouncementsAreExportedWithoutBeingAskedFor() throws Exception {
    try (URLClassLoader webapp = webapp()) {
      Class<?> anchor = Class.forName("org.assertj.core.api.Assertions", false, webapp);
      HostPackages.export(anchor, "org.assertj.core.util.*");
      ExportResolver r = new ExportResolver(() -> new Class<?>[0], null, BARE_SYSTEM);
      HostExports e = r.current();
      assertThat(e.isExported("org.assertj.core.util.diff")).isTrue();
      assertThat(e.load("org.assertj.core.util.Lists", "org.assertj.core.util").getClassLoader()).isSameAs(webapp);
    }
  }

  @Test
  void badEntriesAreRefusedByName() {
    ExportResolver r = new ExportResolver(() -> new Class<?>[0], null, BARE_SYSTEM);
    assertThatThrownBy(() -> r.ask(List.of("ok.pkg", "com.*.spi"))).hasMessageContaining("'com.*.spi'");
    assertThatThrownBy(() -> r.ask(List.of("dev.switchboard.api"))).hasMessageContaining("always visible");
    assertThat(r.asked()).isEmpty();
  }
}
