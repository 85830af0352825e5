package dev.switchboard.runtime.plugin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Writes real plugin jars for tests: compiles Java sources at test time ({@code javax.tools}) against
 * the test class path (plugin API + test SPI), adds {@code plugin.json} and any extra entries, and
 * can patch class-file major versions (to fake a class compiled for a newer Java).
 */
final class PluginJarBuilder {
  private final Path dir;
  private final String id;
  private String version = "1.0.0";
  private String api = "[1.0,2.0)";
  private String entry;
  private String schema;
  private String rawDescriptor;
  private boolean omitDescriptor;
  private final Map<String, String> sources = new LinkedHashMap<>();
  private final Map<String, byte[]> extra = new LinkedHashMap<>();
  private final Map<String, Integer> majorPatches = new LinkedHashMap<>();
  private int bombEntries;
  private int bombEntryBytes;

  private PluginJarBuilder(Path dir, String id) {
    this.dir = dir;
    this.id = id;
  }

  static PluginJarBuilder plugin(Path dir, String id) {
    return new PluginJarBuilder(dir, id);
  }

  PluginJarBuilder version(String v) { this.version = v; return this; }
  PluginJarBuilder api(String v) { this.api = v; return this; }
  PluginJarBuilder entry(String v) { this.entry = v; return this; }
  PluginJarBuilder schema(String v) { this.schema = v; return this; }
  /** Replaces the whole plugin.json text. */
  PluginJarBuilder descriptor(String raw) { this.rawDescriptor = raw; return this; }
  PluginJarBuilder noDescriptor() { this.omitDescriptor = true; return this; }
  PluginJarBuilder source(String className, String code) { sources.put(className, code); return this; }
  PluginJarBuilder resource(String name, byte[] bytes) { extra.put(name, bytes); return this; }
  /** Rewrites the major version of {@code className}'s class file after compiling. */
  PluginJarBuilder patchMajor(String className, int major) { majorPatches.put(className, major); return this; }
  /** Adds {@code count} extra entries of {@code bytes} zero bytes each (deflated: tiny on disk). */
  PluginJarBuilder bomb(int count, int bytes) { this.bombEntries = count; this.bombEntryBytes = bytes; return this; }

  String descriptorText() {
    if (rawDescriptor != null) {
      return rawDescriptor;
    }
    return "{\"id\":\"" + id + "\",\"version\":\"" + version + "\",\"api\":\"" + api + "\",\"entry\":\"" + entry + "\""
        + (schema == null ? "" : ",\"configSchema\":" + schema) + "}";
  }

  Path build() {
    try {
      Map<String, byte[]> classes = compile();
      for (Map.Entry<String, Integer> p : majorPatches.entrySet()) {
        byte[] b = classes.get(p.getKey());
        if (b == null) {
          throw new IllegalArgumentException("no compiled class " + p.getKey() + " in " + classes.keySet());
        }
        b[6] = (byte) (p.getValue() >> 8);
        b[7] = (byte) (p.getValue() & 0xff);
      }
      Files.createDirectories(dir);
      Path jar = Files.createTempFile(dir, id + "-" + version + "-", ".jar");
      try (OutputStream fo = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(fo)) {
        if (!omitDescriptor) {
          put(out, "plugin.json", descriptorText().getBytes(StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, byte[]> c : classes.entrySet()) {
          put(out, c.getKey().replace('.', '/') + ".class", c.getValue());
        }
        for (Map.Entry<String, byte[]> e : extra.entrySet()) {
          put(out, e.getKey(), e.getValue());
        }
        byte[] zeros = new byte[bombEntryBytes];
        for (int i = 0; i < bombEntries; i++) {
          put(out, "bomb/" + i + ".bin", zeros);
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
    JarEntry e = new JarEntry(name);
    e.setMethod(ZipEntry.DEFLATED);
    out.putNextEntry(e);
    out.write(bytes);
    out.closeEntry();
  }

  private Map<String, byte[]> compile() throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    if (sources.isEmpty()) {
      return out;
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no system Java compiler (run the tests on a JDK)");
    }
    List<JavaFileObject> units = new ArrayList<>();
    for (Map.Entry<String, String> s : sources.entrySet()) {
      units.add(new SimpleJavaFileObject(URI.create("string:///" + s.getKey().replace('.', '/') + ".java"),
          JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignore) {
          return s.getValue();
        }
      });
    }
    DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
    StandardJavaFileManager std = javac.getStandardFileManager(diags, null, StandardCharsets.UTF_8);
    JavaFileManager fm = new ForwardingJavaFileManager<>(std) {
      @Override
      public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
          FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
          @Override
          public OutputStream openOutputStream() {
            return new ByteArrayOutputStream() {
              @Override
              public void close() {
                out.put(className, toByteArray());
              }
            };
          }
        };
      }
    };
    List<String> options = List.of("--release", "17", "-classpath", System.getProperty("java.class.path"),
        "-proc:none", "-Xlint:-options");
    boolean ok = javac.getTask(null, fm, diags, options, null, units).call();
    fm.close();
    if (!ok) {
      throw new IllegalStateException("compiling plugin " + id + " failed: " + diags.getDiagnostics());
    }
    return out;
  }

  static String sha256(Path file) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
