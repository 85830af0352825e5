package dev.switchboard.runtime.plugin;

import dev.switchboard.runtime.plugin.PluginRefusedException.Code;
import java.util.Map;

/** Checks that every class file of a jar can be defined by the host's Java. */
final class ClassVersions {
  private ClassVersions() {}

  /**
   * Refuses the first class whose major version needs a newer Java than {@code hostFeature}
   * (major = feature + 44). Multi-release entries under {@code META-INF/versions/} are skipped: the
   * plugin loader never defines them.
   */
  static void check(JarImage jar, int hostFeature) {
    int hostMajor = hostFeature + 44;
    for (Map.Entry<String, byte[]> e : jar.entries().entrySet()) {
      String name = e.getKey();
      if (!name.endsWith(".class") || name.startsWith("META-INF/versions/")) {
        continue;
      }
      byte[] b = e.getValue();
      if (b.length < 8 || (b[0] & 0xff) != 0xCA || (b[1] & 0xff) != 0xFE || (b[2] & 0xff) != 0xBA
          || (b[3] & 0xff) != 0xBE) {
        throw new PluginRefusedException(Code.ARCHIVE, "class " + name + " is not a class file (bad magic)");
      }
      int major = ((b[6] & 0xff) << 8) | (b[7] & 0xff);
      if (major > hostMajor) {
        throw new PluginRefusedException(Code.CLASS_VERSION, "class " + name + " needs Java " + (major - 44)
            + " (major " + major + "), host is Java " + hostFeature);
      }
    }
  }
}
