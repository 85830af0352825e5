package dev.switchboard.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reading the files under deploy/: YAML (multi-document), JSON, Dockerfiles, systemd units, metric names. */
final class DeployFiles {
  static final ObjectMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Pattern METRIC = Pattern.compile("\\bswitchboard_[a-z_]+\\b");

  private DeployFiles() {}

  static Path deploy() {
    return Paths.root().resolve("deploy");
  }

  static List<Path> all() {
    try (Stream<Path> s = Files.walk(deploy())) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> yamlDocuments(Path file) {
    try (var parser = new YAMLFactory().createParser(file.toFile())) {
      List<JsonNode> docs = new ArrayList<>();
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isMissingNode()) docs.add(n);
      }
      return docs;
    } catch (IOException e) {
      throw new AssertionError(file + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  static JsonNode yaml(Path file) {
    List<JsonNode> docs = yamlDocuments(file);
    if (docs.size() != 1) throw new AssertionError(file + ": expected one YAML document, found " + docs.size());
    return docs.get(0);
  }

  static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new AssertionError(file + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  static String text(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kubernetes objects of one kind across deploy/kubernetes, by metadata.name. */
  static Map<String, JsonNode> k8s(String kind) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(deploy().resolve("kubernetes"))) {
      for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (JsonNode d : yamlDocuments(f)) {
          if (kind.equals(d.path("kind").asText())) out.put(d.path("metadata").path("name").asText(), d);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static Optional<JsonNode> container(JsonNode deployment, String name) {
    for (JsonNode c : deployment.path("spec").path("template").path("spec").path("containers")) {
      if (name.equals(c.path("name").asText())) return Optional.of(c);
    }
    return Optional.empty();
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Metric names mentioned in a text (dashboard expressions, docs). */
  static TreeSet<String> metricNames(String text) {
    TreeSet<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(text);
    while (m.find()) names.add(m.group());
    return names;
  }

  /** Metric names in Prometheus text exposition: samples and the families of # TYPE lines. */
  static TreeSet<String> exposedNames(String prometheusText) {
    TreeSet<String> names = new TreeSet<>();
    for (String line : prometheusText.split("\n")) {
      if (line.startsWith("# TYPE ")) names.add(line.split(" ")[2]);
      else if (!line.startsWith("#") && !line.isBlank()) names.add(line.split("[{ ]")[0]);
    }
    return names;
  }

  /** A Dockerfile's instructions (comments dropped, one line each). */
  record Dockerfile(Path file, List<String[]> lines) {
    static Dockerfile read(Path file) {
      List<String[]> lines = new ArrayList<>();
      for (String l : text(file).split("\n")) {
        String t = l.strip();
        if (t.isEmpty() || t.startsWith("#")) continue;
        int sp = t.indexOf(' ');
        lines.add(new String[] {t.substring(0, sp).toUpperCase(), t.substring(sp + 1).strip()});
      }
      return new Dockerfile(file, lines);
    }

    List<String> all(String instruction) {
      return lines.stream().filter(l -> l[0].equals(instruction)).map(l -> l[1]).toList();
    }

    String one(String instruction) {
      List<String> v = all(instruction);
      if (v.size() != 1) throw new AssertionError(file + ": expected one " + instruction + ", found " + v);
      return v.get(0);
    }

    /** COPY destinations by source. */
    Map<String, String> copies() {
      Map<String, String> out = new LinkedHashMap<>();
      for (String c : all("COPY")) {
        String[] parts = c.split("\\s+");
        out.put(parts[parts.length - 2], parts[parts.length - 1]);
      }
      return out;
    }

    List<String> execForm(String instruction) {
      try {
        return strings(JSON.readTree(one(instruction)));
      } catch (IOException e) {
        throw new AssertionError(file + ": " + instruction + " is not a JSON array: " + e.getMessage());
      }
    }

    /** ENTRYPOINT + CMD after {@code -jar <jar>}: the switchboard arguments. */
    List<String> argsAfterJar(String jar, List<String> command) {
      List<String> ep = execForm("ENTRYPOINT");
      int i = ep.indexOf("-jar");
      if (i < 0 || i + 1 >= ep.size() || !ep.get(i + 1).equals(jar)) throw new AssertionError(file + ": ENTRYPOINT does not run -jar " + jar + ": " + ep);
      List<String> args = new ArrayList<>(ep.subList(i + 2, ep.size()));
      args.addAll(command != null ? command : execForm("CMD"));
      return args;
    }
  }
}
