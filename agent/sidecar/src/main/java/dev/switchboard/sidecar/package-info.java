/** Switchboard sidecar. */
package dev.switchboard.sidecar;
