package dev.switchboard.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds, at bench time, the PF4J twin of the sample {@code response-header} plugin: a PF4J
 * {@code Plugin} plus one {@code @Extension} implementing the sample host's {@code RequestFilter}
 * that sets {@code X-Switchboard-Plugin: pf4j-header/1.0.0}. Compiled with javac against the bench
 * class path (PF4J's annotation processor writes {@code META-INF/extensions.idx}); the manifest
 * carries the PF4J descriptor.
 */
final class Pf4jPluginJar {
  static final String ID = "pf4j-header";
  static final String HEADER_VALUE = ID + "/1.0.0";

  private static final String SOURCE = """
      package bench.pf4j;

      import dev.switchboard.sample.spi.Exchange;
      import dev.switchboard.sample.spi.RequestFilter;

      public class HeaderPlugin extends org.pf4j.Plugin {
        // the same work as the sample plugin's start: the value built from the plugin's id and version,
        // one log line built by concatenation (filtered out by the logger in both systems)
        static volatile String value = "unset";

        public HeaderPlugin(org.pf4j.PluginWrapper wrapper) {
          super(wrapper);
        }

        @Override
        public void start() {
          String v = getWrapper().getPluginId() + "/" + getWrapper().getDescriptor().getVersion();
          value = v;
          log.info("pf4j-header: adding X-Switchboard-Plugin: " + v);
        }

        @org.pf4j.Extension
        public static final class Marker implements RequestFilter, org.pf4j.ExtensionPoint {
          @Override
          public boolean filter(Exchange exchange) {
            exchange.setResponseHeader("X-Switchboard-Plugin", value);
            return true;
          }
        }
      }
      """;

  private Pf4jPluginJar() {}

  static Path build(Path work) throws IOException {
    Path src = Files.createDirectories(work.resolve("src/bench/pf4j"));
    Path classes = Files.createDirectories(work.resolve("classes"));
    Files.writeString(src.resolve("HeaderPlugin.java"), SOURCE);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) throw new IllegalStateException("no javac in " + System.getProperty("java.home") + " (a JDK is needed)");
    String cp = System.getProperty("java.class.path");
    int rc = javac.run(null, null, null, "-cp", cp, "-processorpath", cp,
        "-processor", "org.pf4j.processor.ExtensionAnnotationProcessor", "--release", "17", "-d", classes.toString(),
        src.resolve("HeaderPlugin.java").toString());
    if (rc != 0) throw new IllegalStateException("javac of the PF4J plugin failed: exit " + rc);
    if (!Files.isRegularFile(classes.resolve("META-INF/extensions.idx"))) {
      throw new IllegalStateException("PF4J annotation processor wrote no META-INF/extensions.idx in " + classes);
    }
    Manifest mf = new Manifest();
    Attributes a = mf.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.putValue("Plugin-Id", ID);
    a.putValue("Plugin-Version", "1.0.0");
    a.putValue("Plugin-Class", "bench.pf4j.HeaderPlugin");
    a.putValue("Plugin-Description", "PF4J twin of the sample response-header plugin (benchmark)");
    Path jar = work.resolve(ID + "-1.0.0.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf); Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        try (OutputStream o = new NonClosing(out)) {
          Files.copy(f, o);
        }
        out.closeEntry();
      }
    }
    return jar;
  }

  /** Lets Files.copy write into the jar stream without closing it. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  static List<String> entries(Path jar) throws IOException {
    try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(jar.toFile())) {
      return z.stream().map(java.util.zip.ZipEntry::getName).toList();
    }
  }
}
