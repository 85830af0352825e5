package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code switchboard console}'s flags, decided before any store is contacted. */
class ConsoleCommandTest {
  static ConsoleCommand.Address parse(String listen) {
    ConsoleCommand c = new ConsoleCommand();
    new CommandLine(c).parseArgs("--listen", listen);
    return c.address();
  }

  @Test
  void listenTakesHostAndPortOrAPortAloneOnLoopback() {
    assertThat(parse("127.0.0.1:9466")).isEqualTo(new ConsoleCommand.Address("127.0.0.1", 9466));
    assertThat(parse("8080")).isEqualTo(new ConsoleCommand.Address("127.0.0.1", 8080));
    assertThat(parse(":0")).isEqualTo(new ConsoleCommand.Address("127.0.0.1", 0));
    assertThat(parse("0.0.0.0:9466")).isEqualTo(new ConsoleCommand.Address("0.0.0.0", 9466));
    assertThat(parse("[::1]:9466")).isEqualTo(new ConsoleCommand.Address("::1", 9466));
    assertThat(parse("console.example:80")).isEqualTo(new ConsoleCommand.Address("console.example", 80));
  }

  @Test
  void theDefaultListensOnLoopbackOnly() {
    ConsoleCommand c = new ConsoleCommand();
    new CommandLine(c).parseArgs();
    assertThat(c.address()).isEqualTo(new ConsoleCommand.Address("127.0.0.1", ConsoleCommand.DEFAULT_PORT));
  }

  @Test
  void aBadListenValueOrFlipWindowIsAUsageErrorNamingTheValue() {
    assertThat(run("console", "--listen", "localhost:http", "--etcd=http://127.0.0.1:1")).satisfies(r -> {
      assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
      assertThat(r.err()).contains("--listen: expected HOST:PORT or PORT, got 'localhost:http'");
    });
    assertThat(run("console", "--listen", "70000", "--etcd=http://127.0.0.1:1")).satisfies(r -> {
      assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
      assertThat(r.err()).contains("--listen: port outside 0..65535: 70000");
    });
    assertThat(run("console", "--flip-window", "0", "--etcd=http://127.0.0.1:1")).satisfies(r -> {
      assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
      assertThat(r.err()).contains("--flip-window must be 1..1440 minutes: 0");
    });
  }

  @Test
  void aTakenPortFailsWithExitOneNamingTheAddress() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Result r = run("console", "--listen", "127.0.0.1:" + taken.getLocalPort(), "--etcd=http://127.0.0.1:1");
      assertThat(r.code()).as(r.err()).isEqualTo(Main.EXIT_FAILED);
      assertThat(r.err()).contains("switchboard console: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ");
    }
  }

  record Result(int code, String err) {}

  static Result run(String... args) {
    PrintStream err = System.err;
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      return new Result(Main.run(args), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(err);
    }
  }
}
