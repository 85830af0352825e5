package com.example.hoststats;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * One reading of the host's own MBeans. Only values are kept (numbers), never the host's objects: holding a
 * host object from a plugin is harmless, holding a plugin object from the host keeps the plugin's loader alive.
 */
record Sample(long count, long heapUsedBytes, int threadCount, long uptimeMillis) {
  static final Sample NONE = new Sample(0, 0, 0, 0);

  /** Reads {@code java.lang:type=Memory}, {@code java.lang:type=Threading} and {@code java.lang:type=Runtime}. */
  static Sample read(MBeanServer mbeans, long count) throws JMException {
    CompositeData heap = (CompositeData) mbeans.getAttribute(new ObjectName(ManagementFactory.MEMORY_MXBEAN_NAME), "HeapMemoryUsage");
    int threads = (Integer) mbeans.getAttribute(new ObjectName(ManagementFactory.THREAD_MXBEAN_NAME), "ThreadCount");
    long uptime = (Long) mbeans.getAttribute(new ObjectName(ManagementFactory.RUNTIME_MXBEAN_NAME), "Uptime");
    return new Sample(count, (Long) heap.get("used"), threads, uptime);
  }

  /** The JSON the plugin serves: {@code {"plugin", "samples", "heapUsedBytes", "threadCount", "uptimeMillis"}}. */
  String json(String plugin) {
    return "{\"plugin\":\"" + plugin + "\",\"samples\":" + count + ",\"heapUsedBytes\":" + heapUsedBytes
        + ",\"threadCount\":" + threadCount + ",\"uptimeMillis\":" + uptimeMillis + "}";
  }
}
