/**
 * Shared by the Switchboard runtime and {@link dev.switchboard.api.testing.PluginHarness}; not for
 * plugin authors or hosts (no compatibility promise).
 */
package dev.switchboard.api.internal;
