package dev.switchboard.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.StoreException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import org.junit.jupiter.api.Test;

/** How etcd client errors map to the store's error codes. */
class EtcdErrorMappingTest {
  @Test
  void aChannelClosedByAnEtcdLeaderChangeIsUnavailableNotInternal() {
    try (EtcdKeySpace ks = EtcdKeySpace.open(EtcdOptions.builder("http://127.0.0.1:1").build())) {
      StoreException e = ks.map("put /k", EtcdExceptionFactory.newEtcdException(ErrorCode.UNKNOWN, "channel closed"));
      assertThat(e.code()).isEqualTo(StoreException.Code.UNAVAILABLE);
      assertThat(e.getMessage()).contains("put /k").contains("channel closed");
      StoreException leader = ks.map("put /k", EtcdExceptionFactory.newEtcdException(ErrorCode.UNKNOWN, "etcdserver: leader changed"));
      assertThat(leader.code()).isEqualTo(StoreException.Code.UNAVAILABLE);
    }
  }

  @Test
  void anErrorOfNoKnownKindStaysInternal() {
    try (EtcdKeySpace ks = EtcdKeySpace.open(EtcdOptions.builder("http://127.0.0.1:1").build())) {
      assertThat(ks.map("put /k", new IllegalStateException("boom")).code()).isEqualTo(StoreException.Code.INTERNAL);
    }
  }
}
