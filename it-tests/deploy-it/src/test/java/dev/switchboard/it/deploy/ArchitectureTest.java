package dev.switchboard.it.deploy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of docs/architecture.md, checked on the compiled classes: no module reaches into
 * another's {@code internal} package, dependencies point one way (plugin API, store and control at the bottom;
 * runtime, sidecar and bridge above them; the command line on top), only the runtime uses the plugin API's
 * runtime package, and the sample plugins and host use the plugin API alone.
 */
class ArchitectureTest {
  /** One class of each module: where it was loaded from is that module's classes (a directory or a jar). */
  static final List<Class<?>> MODULES = List.of(dev.switchboard.api.Plugin.class, dev.switchboard.store.KeySpace.class,
      dev.switchboard.control.RuntimeClient.class, dev.switchboard.runtime.plugin.PluginManager.class,
      dev.switchboard.sidecar.Sidecar.class, dev.switchboard.bridge.Bridge.class, dev.switchboard.cli.Main.class);

  static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(location -> location.contains("/dev/switchboard/")) // shaded jars also hold libraries
      .importLocations(MODULES.stream().map(ArchitectureTest::where).distinct().toList());

  /** Where a class was loaded from: its class directory, or its jar (a jar: location, so ArchUnit opens it). */
  static Location where(Class<?> c) {
    try {
      Path p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isDirectory(p) ? Location.of(p) : Location.of(URI.create("jar:" + p.toUri() + "!/"));
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("no location for " + c, e);
    }
  }

  @Test
  void theImportSeesEveryModule() {
    for (String p : List.of("dev.switchboard.api", "dev.switchboard.store", "dev.switchboard.control",
        "dev.switchboard.runtime", "dev.switchboard.sidecar", "dev.switchboard.bridge", "dev.switchboard.cli")) {
      assertThat(MAIN.stream().anyMatch(c -> c.getPackageName().startsWith(p))).as("classes of " + p).isTrue();
    }
  }

  @Test
  void noModuleReachesIntoAnothersInternalPackage() {
    classes().should(onlyUseTheirOwnModulesInternals()).check(MAIN);
  }

  @Test
  void dependenciesPointOneWay() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("plugin API").definedBy("dev.switchboard.api..")
        .layer("store").definedBy("dev.switchboard.store..")
        .layer("control").definedBy("dev.switchboard.control..")
        .layer("runtime").definedBy("dev.switchboard.runtime..")
        .layer("sidecar").definedBy("dev.switchboard.sidecar..")
        .layer("bridge").definedBy("dev.switchboard.bridge..")
        .layer("cli").definedBy("dev.switchboard.cli..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("runtime").mayNotBeAccessedByAnyLayer()
        .whereLayer("sidecar").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("bridge").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("control").mayOnlyBeAccessedByLayers("runtime", "sidecar", "cli")
        .whereLayer("store").mayOnlyBeAccessedByLayers("sidecar", "bridge", "cli")
        .whereLayer("plugin API").mayOnlyBeAccessedByLayers("runtime")
        .check(MAIN);
  }

  @Test
  void onlyTheRuntimeUsesThePluginApisRuntimePackage() {
    noClasses().that().resideOutsideOfPackages("dev.switchboard.api..", "dev.switchboard.runtime..")
        .should().dependOnClassesThat().resideInAPackage("dev.switchboard.api.runtime..")
        .check(MAIN);
  }

  @Test
  void samplePluginsAndTheSampleHostUseThePluginApiAlone() throws IOException {
    List<JarFile> jars = new ArrayList<>();
    try (Stream<Path> plugins = Files.list(Paths.dist().resolve("plugins"))) {
      for (Path p : plugins.filter(f -> f.toString().endsWith(".jar")).toList()) jars.add(new JarFile(p.toFile()));
    }
    jars.add(new JarFile(Paths.dist().resolve("sample-host.jar").toFile()));
    jars.add(new JarFile(Paths.dist().resolve("message-host.jar").toFile()));
    try {
      JavaClasses samples = new ClassFileImporter()
          .withImportOption(location -> location.contains("/dev/switchboard/")) // the hosts' jars also hold libraries
          .importJars(jars);
      assertThat(samples.stream().anyMatch(c -> c.getPackageName().startsWith("dev.switchboard.sample"))).as("sample classes").isTrue();
      noClasses().that().resideInAPackage("dev.switchboard.sample..")
          .should().dependOnClassesThat().resideInAnyPackage("dev.switchboard.api.runtime..", "dev.switchboard.runtime..",
              "dev.switchboard.control..", "dev.switchboard.sidecar..", "dev.switchboard.store..", "dev.switchboard.bridge..",
              "dev.switchboard.cli..")
          .check(samples);
    } finally {
      for (JarFile j : jars) j.close();
    }
  }

  /** A class may use {@code X.internal..} only when it belongs to {@code X}'s module ({@code X..}). */
  static ArchCondition<JavaClass> onlyUseTheirOwnModulesInternals() {
    return new ArchCondition<>("use only their own module's internal packages") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        for (Dependency d : c.getDirectDependenciesFromSelf()) {
          String target = d.getTargetClass().getPackageName();
          int i = target.indexOf(".internal");
          if (i < 0 || !target.startsWith("dev.switchboard.")) continue;
          String module = target.substring(0, i);
          String own = c.getPackageName();
          if (!own.equals(module) && !own.startsWith(module + ".")) {
            events.add(SimpleConditionEvent.violated(d, d.getDescription() + " reaches into " + module + "'s internal package"));
          }
        }
      }
    };
  }
}
