package dev.switchboard.sample.plugins.zkslow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.server.Request;
import org.apache.zookeeper.server.RequestRecord;
import org.junit.jupiter.api.Test;

/** The reflective reads against ZooKeeper's own Request class (the version the build manages). */
class RequestFieldsTest {

  @Test
  void aCreateRequestGivesItsOperationPathAndSession() throws Exception {
    CreateRequest create = new CreateRequest("/app/config", new byte[] {1, 2}, ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT.toFlag());
    Request r = new Request(null, 0x1000abcL, 7, OpCode.create, RequestRecord.fromRecord(create), List.of());
    RequestFields f = RequestFields.of(r);

    assertThat(f.fits(r)).isTrue();
    assertThat(f.op(r)).isEqualTo("create");
    assertThat(f.path(r, "create")).isEqualTo("/app/config");
    assertThat(f.session(r)).isEqualTo("0x1000abc");
    assertThat(f.elapsedMillis(r)).isBetween(0L, 60_000L);
  }

  @Test
  void aReadFromSerialisedBytesGivesItsPath() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    new GetDataRequest("/ü/node", true).serialize(org.apache.jute.BinaryOutputArchive.getArchive(bytes), "request");
    Request r = new Request(null, 1L, 1, OpCode.getData, RequestRecord.fromBytes(bytes.toByteArray()), List.of());
    RequestFields f = RequestFields.of(r);

    assertThat(f.op(r)).isEqualTo("getData");
    assertThat(f.path(r, f.op(r))).isEqualTo("/ü/node");
    assertThat(f.path(r, f.op(r))).as("reading leaves the request readable again").isEqualTo("/ü/node");
  }

  @Test
  void anOperationWithoutAPathGivesNone() throws Exception {
    Request r = new Request(null, 1L, 1, OpCode.setWatches, RequestRecord.fromRecord(new SetWatches(0, List.of(), List.of(), List.of())),
        List.of());
    RequestFields f = RequestFields.of(r);

    assertThat(f.op(r)).isEqualTo("setWatches");
    assertThat(f.path(r, "setWatches")).isNull();
    Request ping = new Request(null, 1L, -2, OpCode.ping, null, List.of());
    assertThat(f.path(ping, f.op(ping))).isNull();
  }

  @Test
  void aBodyThatDoesNotStartWithAStringGivesNoPath() {
    assertThat(RequestFields.firstString(ByteBuffer.wrap(new byte[] {0, 0}))).isNull();
    assertThat(RequestFields.firstString(ByteBuffer.wrap(new byte[] {-1, -1, -1, -1}))).isNull();
    assertThat(RequestFields.firstString(ByteBuffer.wrap(new byte[] {0, 0, 0, 9, 'a'}))).isNull();
    assertThat(RequestFields.firstString(ByteBuffer.allocate(4).putInt(0, 0))).isEmpty();
  }

  @Test
  void theLogKeepsTheMostRecentAndCountsEverything() {
    SlowLog log = new SlowLog(2);
    for (int i = 0; i < 3; i++) {
      log.timed();
      log.record(new SlowLog.Slow("create", "/n" + i, "0x1", i, "t"));
    }
    log.timed();
    assertThat(log.snapshot()).extracting(SlowLog.Slow::path).containsExactly("/n1", "/n2");
    assertThat(log.json("p/1", 0)).isEqualTo("{\"plugin\":\"p/1\",\"thresholdMillis\":0.0,\"keep\":2,\"timed\":4,\"recorded\":3,\"slow\":["
        + "{\"op\":\"create\",\"path\":\"/n1\",\"session\":\"0x1\",\"millis\":1,\"at\":\"t\"},"
        + "{\"op\":\"create\",\"path\":\"/n2\",\"session\":\"0x1\",\"millis\":2,\"at\":\"t\"}]}");
    log.resize(1);
    assertThat(log.snapshot()).extracting(SlowLog.Slow::path).containsExactly("/n2");
    log.record(new SlowLog.Slow("ping", null, "0x\"", 5, "t"));
    assertThat(log.json("p/1", 1.5)).endsWith("\"slow\":[{\"op\":\"ping\",\"path\":null,\"session\":\"0x\\\"\",\"millis\":5,\"at\":\"t\"}]}");
  }
}
