/**
 * The runtime's side of the plugin API: the context it gives each plugin ({@link
 * dev.switchboard.api.runtime.ManagedContext}), what tearing a plugin down found ({@link
 * dev.switchboard.api.runtime.CleanupReport}) and the operations on a plugin's extension registrations
 * ({@link dev.switchboard.api.runtime.ExtensionOwners}). Used by the Switchboard runtime and by {@link
 * dev.switchboard.api.testing.PluginHarness}; not for plugin authors or hosts (no compatibility promise; the
 * build's architecture test fails a sample plugin or host that uses it).
 */
package dev.switchboard.api.runtime;
