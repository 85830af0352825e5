package dev.switchboard.bench;

/**
 * The sidecar JVM flags that bring a sidecar with 20 active plugins under the 96 MB RSS goal of
 * BENCHMARKS.md item 8 (measured step by step with {@link SidecarMemoryBench}; notes in BENCHMARKS.md).
 * The same flags are on the ENTRYPOINT of deploy/docker/Dockerfile.sidecar.
 */
final class TunedFlags {
  static final String SIDECAR = "-Xms8m -Xmx32m -Xmn3m -Xss512k -XX:+UseSerialGC -XX:MinHeapFreeRatio=5 -XX:MaxHeapFreeRatio=15"
      + " -XX:MaxMetaspaceSize=64m -XX:MetaspaceReclaimPolicy=aggressive -XX:ReservedCodeCacheSize=16m"
      + " -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ActiveProcessorCount=1 -XX:TrimNativeHeapInterval=2000"
      + " -Dio.netty.allocator.type=unpooled";

  private TunedFlags() {}
}
