package dev.switchboard.bench;

import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The {@link Instrumentation} of this JVM for a benchmark, the way the runtime gets it: an Attach API self-attach
 * loading an agent jar whose manifest names this class (the class itself comes from the class path). Needs
 * {@code -Djdk.attach.allowAttachSelf=true}.
 */
public final class SelfAgent {
  private static volatile Instrumentation inst;

  private SelfAgent() {}

  public static void agentmain(String args, Instrumentation i) {
    inst = i;
  }

  public static synchronized Instrumentation instrumentation() throws Exception {
    if (inst != null) return inst;
    Path jar = Files.createTempFile("switchboard-bench-agent-", ".jar");
    jar.toFile().deleteOnExit();
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().putValue("Agent-Class", SelfAgent.class.getName());
    m.getMainAttributes().putValue("Can-Retransform-Classes", "true");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
      // the manifest is all the agent jar holds
    }
    com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
    try {
      vm.loadAgent(jar.toString());
    } finally {
      vm.detach();
    }
    if (inst == null) throw new IllegalStateException("the self-attached agent did not receive the Instrumentation");
    return inst;
  }
}
