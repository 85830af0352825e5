package dev.switchboard.runtime.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IsolatedLoaderTest {
  @TempDir Path dir;

  @Test
  void parentShowsOnlyTheJdkAndThePluginApi() throws Exception {
    Path empty = dir.resolve("empty.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(empty))) {
      // an empty runtime jar: everything visible must come from the parent
    }
    try (IsolatedLoader loader = IsolatedLoader.create(empty, systemBinding())) {
      assertThat(loader.loadClass("java.util.List")).isSameAs(java.util.List.class);
      assertThat(loader.loadClass("java.sql.Connection")).isNotNull(); // platform module
      // the plugin API comes from the system loader: the same Class as the host's
      assertThat(loader.loadClass("dev.switchboard.api.Plugin")).isSameAs(dev.switchboard.api.Plugin.class);
      // nothing else of the class path: not the runtime, not its libraries, not the control channel
      for (String hidden : new String[] {
          "dev.switchboard.runtime.plugin.PluginManager",
          "dev.switchboard.control.RuntimeClient",
          "com.fasterxml.jackson.databind.ObjectMapper",
          "org.junit.jupiter.api.Test"}) {
        assertThatThrownBy(() -> loader.loadClass(hidden)).as(hidden).isInstanceOf(ClassNotFoundException.class);
      }
      assertThat(loader.getResource("dev/switchboard/api/Plugin.class")).isNotNull();
      assertThat(loader.getResource("com/fasterxml/jackson/databind/ObjectMapper.class")).isNull();
    }
  }

  private ApiBinding systemBinding() {
    return new ApiBinding(() -> new Class<?>[0], ClassLoader.getSystemClassLoader(), jar -> {
      throw new AssertionError("nothing may be appended when the system loader has the API");
    }, dir.resolve("unused.jar"));
  }
}
