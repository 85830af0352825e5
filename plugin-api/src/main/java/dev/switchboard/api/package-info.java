/**
 * The Switchboard plugin API: what plugin authors and host applications compile against. No
 * third-party dependencies.
 *
 * <p>Plugin side: {@link dev.switchboard.api.Plugin} (optionally {@link
 * dev.switchboard.api.Reconfigurable}) gets a {@link dev.switchboard.api.PluginContext} that owns
 * everything the plugin starts and registers extensions.
 *
 * <p>Host side: {@link dev.switchboard.api.Extensions#point(Class)} returns the {@link
 * dev.switchboard.api.ExtensionPoint} of an interface the host defines; the host calls the active
 * extensions through it on every request (lock-free, allocation-free, drain-aware).
 */
package dev.switchboard.api;
