package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Dist;
import dev.switchboard.testkit.KafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Message-handler plugins in the sample message host ({@code dist/message-host.jar}, a Kafka consumer) against a
 * real KRaft broker of the test kit, driven by the real CLI: under a steady stream (one message every 10 ms, three
 * of four to {@code payments} in 2 partitions, one to {@code orders}), fraud-check is activated, message-audit
 * 1.0.0 is activated, swapped for 2.0.0 and deactivated, then fraud-check is deactivated. Every message is
 * accounted for by its id: the host handled and committed each one exactly once (none lost, none twice); in the
 * host's order the audit states go "none, 1.0.0, 2.0.0, none" with no message audited twice or skipped inside the
 * active span; a message the host finished before a command was issued has the state before it, a message sent
 * after a command returned has the state after it; fraud-check saw each payment once with the right verdict, no
 * order; and the host's count of handlers per message equals the handlers that wrote a line for it. Then the host
 * is stopped and a new one joins the group: it resumes at the committed offsets, handling only (and each of) the
 * messages sent since.
 */
class MessageHandlersIT {
  @RegisterExtension static final KafkaBroker kafka = KafkaBroker.single();
  @TempDir Path dir;

  /** One command: the host's DONE lines seen before it was issued, and the stream's next number after it returned. */
  record Step(String what, int doneBefore, long seqAfter, long millis) {}

  /** One DONE line of the host. */
  record Done(String id, String where, int handlers) {}

  @Test
  void aSwapUnderASteadyStreamHandlesEveryMessageOnceByOneVersionAndLosesNone() throws Exception {
    createTopics();
    Path controlDir = Files.createTempDirectory("sb-ctl-");
    Path audit = dir.resolve("audit.log");
    Path fraud = dir.resolve("fraud.log");
    String auditConfig = "{\"file\":\"" + audit + "\",\"topics\":[\"payments\"]}";
    List<Step> steps = new ArrayList<>();
    long sent;
    List<Done> dones;
    try (HostProcess host = HostProcess.messageHost(Jdks.java17(), "--bootstrap", kafka.bootstrapServers(),
            "--topics", "payments,orders", "--group", "message-handlers-it");
        MessageStream stream = new MessageStream(kafka.bootstrapServers(), 10).start()) {
      HostCli cli = new HostCli(controlDir, host.pid());
      await(() -> dones(host).size() >= 40, "the host handles the stream", host);

      steps.add(step("fraud-check 1.0.0 on", host, stream, () -> cli.activate(Dist.plugin("fraud-check", "1.0.0"),
          "--config", "{\"file\":\"" + fraud + "\",\"limit\":900}")));
      steps.add(step("message-audit 1.0.0 on", host, stream,
          () -> cli.activate(Dist.plugin("message-audit", "1.0.0"), "--config", auditConfig)));
      await(() -> lines(audit, "message-audit/1.0.0") >= 100, "100 messages audited by 1.0.0", host);
      steps.add(step("message-audit 2.0.0 (swap)", host, stream,
          () -> cli.activate(Dist.plugin("message-audit", "2.0.0"), "--config", auditConfig)));
      await(() -> lines(audit, "message-audit/2.0.0") >= 100, "100 messages audited by 2.0.0", host);
      steps.add(step("message-audit off", host, stream, () -> cli.deactivate("message-audit")));
      int afterOff = steps.get(3).doneBefore();
      await(() -> dones(host).size() >= afterOff + 60, "60 more messages after the deactivation", host);

      sent = stream.stop();
      assertThat(stream.failures).as("sends the broker refused").isEmpty();
      await(() -> dones(host).size() >= sent, "the host finishes every message sent (" + sent + ")", host);
      steps.add(step("fraud-check off", host, stream, () -> cli.deactivate("fraud-check")));
      assertThat(HostCli.plugins(cli.statusJson()).get("message-audit")).containsEntry("state", "INACTIVE");
      dones = dones(host);
      assertThat(host.output()).doesNotContain("HANDLER_FAILED");
    }

    // a new member of the group after the host stopped (SIGTERM) starts at the committed offsets: it gets only
    // the messages sent after, each once
    long more;
    List<Done> resumed;
    try (HostProcess next = HostProcess.messageHost(Jdks.java17(), "--bootstrap", kafka.bootstrapServers(),
            "--topics", "payments,orders", "--group", "message-handlers-it");
        MessageStream stream = new MessageStream(kafka.bootstrapServers(), 10, sent).start()) {
      await(() -> dones(next).size() >= 20, "the restarted host handles new messages", next);
      more = stream.stop() - sent;
      await(() -> dones(next).size() >= more, "the restarted host finishes the " + more + " new messages", next);
      resumed = dones(next);
    }
    Set<String> newIds = new HashSet<>();
    for (long n = sent; n < sent + more; n++) newIds.add(MessageStream.id(n));
    assertThat(resumed.stream().map(Done::id).toList()).as("after a restart: exactly the messages sent since, once each")
        .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(newIds);

    // the host: every message sent handled and committed exactly once, in its DONE order
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < dones.size(); i++) {
      Integer before = index.put(dones.get(i).id(), i);
      assertThat(before).as("message " + dones.get(i).id() + " handled twice by the host").isNull();
    }
    Set<String> expected = new HashSet<>();
    for (long n = 0; n < sent; n++) expected.add(MessageStream.id(n));
    assertThat(index.keySet()).as("messages the host handled = messages sent").isEqualTo(expected);

    Map<String, String> audited = versionsById(audit, 2, "message-audit/");
    Map<String, String> checked = versionsById(fraud, 1, null);
    Step fraudOn = steps.get(0);
    Step auditOn = steps.get(1);
    Step swap = steps.get(2);
    Step auditOff = steps.get(3);
    StringBuilder states = new StringBuilder();
    int v1 = 0;
    int v2 = 0;
    for (int i = 0; i < dones.size(); i++) {
      Done d = dones.get(i);
      long seq = MessageStream.seq(d.id());
      if (d.id().startsWith("o-")) {
        assertThat(audited).as("orders are not audited (topics: payments)").doesNotContainKey(d.id());
        assertThat(checked).as("orders are not fraud-checked").doesNotContainKey(d.id());
        assertThat(d.handlers()).as("handlers of order " + d.id()).isZero();
        continue;
      }
      String state = audited.getOrDefault(d.id(), "-");
      states.append(state.equals("1.0.0") ? '1' : state.equals("2.0.0") ? '2' : '-');
      if (state.equals("1.0.0")) v1++;
      if (state.equals("2.0.0")) v2++;
      String why = d.id() + " (done #" + i + ", sent #" + seq + ") audit state";
      if (i < auditOn.doneBefore()) assertThat(state).as(why + ": done before audit 1.0.0 was activated").isEqualTo("-");
      if (seq >= auditOn.seqAfter() && i < swap.doneBefore()) assertThat(state).as(why + ": between on and swap").isEqualTo("1.0.0");
      if (i < swap.doneBefore()) assertThat(state).as(why + ": done before the swap").isNotEqualTo("2.0.0");
      if (seq >= swap.seqAfter() && i < auditOff.doneBefore()) assertThat(state).as(why + ": between swap and off").isEqualTo("2.0.0");
      if (seq >= swap.seqAfter()) assertThat(state).as(why + ": sent after the swap").isNotEqualTo("1.0.0");
      if (seq >= auditOff.seqAfter()) assertThat(state).as(why + ": sent after audit was deactivated").isEqualTo("-");
      String verdict = checked.get(d.id());
      if (i < fraudOn.doneBefore()) assertThat(verdict).as(d.id() + ": done before fraud-check was activated").isNull();
      if (seq >= fraudOn.seqAfter()) assertThat(verdict).as(d.id() + ": sent after fraud-check was activated").isNotNull();
      if (verdict != null) {
        assertThat(verdict).as(d.id() + " verdict").isEqualTo(MessageStream.amount(seq) > 900 ? "FLAGGED" : "OK");
      }
      assertThat(d.handlers()).as("host's handler count of " + d.id() + " = handlers that wrote a line for it")
          .isEqualTo((state.equals("-") ? 0 : 1) + (verdict == null ? 0 : 1));
    }
    assertThat(states.toString()).as("audit states of the payments in the host's order").matches("-*1+2+-*");
    System.out.println("message handlers: " + sent + " + " + more + " (after the restart) messages sent and handled once each; payments audited by 1.0.0: " + v1
        + ", by 2.0.0: " + v2 + ", fraud-checked: " + checked.size() + "; steps: " + steps);
  }

  private static void createTopics() throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic("payments", 2, (short) 1), new NewTopic("orders", 1, (short) 1)))
          .all().get(60, TimeUnit.SECONDS);
    }
  }

  private static Step step(String what, HostProcess host, MessageStream stream, Supplier<Cli.Result> command) {
    int doneBefore = dones(host).size();
    Cli.Result r = command.get();
    long seqAfter = stream.nextSeq();
    assertThat(r.exit()).as(what + ": " + r).isZero();
    return new Step(what, doneBefore, seqAfter, r.millis());
  }

  /** The host's DONE lines so far, in order. */
  static List<Done> dones(HostProcess host) {
    List<Done> out = new ArrayList<>();
    for (String l : host.lines) {
      if (!l.startsWith("DONE ")) continue;
      String[] f = l.split(" ");
      assertThat(f).as("DONE line " + l).hasSize(4);
      out.add(new Done(f[1], f[2], Integer.parseInt(f[3].substring("handlers=".length()))));
    }
    return out;
  }

  /** Lines of {@code file} containing {@code text} (0 while it does not exist). */
  private static long lines(Path file, String text) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.contains(text)).count() : 0;
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  /**
   * Id → field {@code field} of each line of {@code file} (without {@code prefix}), failing on an id seen twice:
   * the audit log's version ({@code <id> <where> message-audit/<v>}), fraud-check's verdict ({@code <id> <verdict> ...}).
   */
  private static Map<String, String> versionsById(Path file, int field, String prefix) throws IOException {
    Map<String, String> out = new HashMap<>();
    for (String l : Files.readAllLines(file)) {
      String[] f = l.split(" ");
      String v = prefix == null ? f[field] : f[field].substring(prefix.length());
      String before = out.put(f[0], v);
      assertThat(before).as("message " + f[0] + " handled twice: " + file.getFileName() + " has " + before + " and " + v).isNull();
    }
    return out;
  }

  private static void await(BooleanSupplier condition, String what, HostProcess host) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // generous: a loaded machine's consumer lags
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within 120 s: " + what + "; host output (last lines):\n" + tail(host.output()));
      }
      HostProcess.sleep(20);
    }
  }

  private static String tail(String s) {
    String[] l = s.split("\n");
    return String.join("\n", java.util.Arrays.asList(l).subList(Math.max(0, l.length - 30), l.length));
  }
}
