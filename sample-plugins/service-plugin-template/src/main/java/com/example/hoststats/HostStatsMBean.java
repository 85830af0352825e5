package com.example.hoststats;

/** The plugin's management interface: the last sample and where the plugin serves it. */
public interface HostStatsMBean {
  /** How many samples were taken since the plugin started. */
  long getSamples();

  /** The host's heap in use at the last sample, in bytes. */
  long getHeapUsedBytes();

  /** The host's live threads at the last sample. */
  int getThreadCount();

  /** The port the plugin serves its figures on (127.0.0.1). */
  int getPort();
}
