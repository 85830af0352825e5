package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code switchboard} without arguments: the usage, once, listing every verb of docs/reference.md §3; exit 2. */
class MainUsageTest {

    private static final List<String> VERBS = List.of("agent", "bridge", "demo", "ctl", "host");
    private static final List<String> CTL_VERBS = List.of("enable", "disable", "set-artifact", "set-config", "rollout",
            "canary", "promote", "abort", "status");

    @Test
    void noArgumentsPrintsTheUsageOnceListingEveryVerbAndExitsTwo() {
        Captured run = capture(() -> Main.run());

        assertThat(run.code).isEqualTo(Main.EXIT_USAGE);
        assertThat(occurrences(run.err, "Usage: switchboard")).as(run.err).isEqualTo(1);
        for (String verb : VERBS) {
            assertThat(run.err).as("verb %s in%n%s", verb, run.err).containsPattern("(?m)^  " + verb + "\\s");
        }
        for (String verb : CTL_VERBS) {
            assertThat(occurrences(run.err, "  ctl " + verb + " ")).as("ctl %s once in%n%s", verb, run.err).isEqualTo(1);
        }
    }

    @Test
    void helpListsTheSameVerbsAndExitsZero() {
        Captured run = capture(() -> Main.run("--help"));

        assertThat(run.code).isEqualTo(Main.EXIT_OK);
        assertThat(run.out).contains("Usage: switchboard", "ctl set-artifact", "  demo ");
    }

    @Test
    void unknownVerbIsAUsageError() {
        Captured run = capture(() -> Main.run("no-such-verb"));

        assertThat(run.code).isEqualTo(Main.EXIT_USAGE);
        assertThat(run.err).contains("no-such-verb");
    }

    @Test
    void everyVerbPrintsItsHelpWithDashDashHelpAndWithDashHAndExitsZero() {
        List<List<String>> verbs = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), verbs);
        assertThat(verbs).as("the walk over the command tree found the verbs")
                .contains(List.of("ctl", "set-artifact"), List.of("ctl", "canary"), List.of("host", "activate"), List.of("agent"));
        for (List<String> verb : verbs) {
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(verb);
                args.add(flag);
                Captured run = capture(() -> Main.run(args.toArray(String[]::new)));
                String shown = String.join(" ", args);
                assertThat(run.code).as("exit code of `switchboard %s`; stderr:%n%s", shown, run.err).isEqualTo(Main.EXIT_OK);
                assertThat(run.out).as("usage of `switchboard %s`", shown)
                        .containsPattern("(?m)^Usage: switchboard " + Pattern.quote(String.join(" ", verb)) + " ");
                assertThat(run.err).as("stderr of `switchboard %s`", shown).isEmpty();
            }
        }
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> into) {
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals(sub.getCommandName())) {
                return; // an alias
            }
            List<String> p = new ArrayList<>(path);
            p.add(name);
            into.add(p);
            collect(sub, p, into);
        });
    }

    private static int occurrences(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private record Captured(int code, String out, String err) {
    }

    private static synchronized Captured capture(IntSupplier body) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = body.getAsInt();
            return new Captured(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
