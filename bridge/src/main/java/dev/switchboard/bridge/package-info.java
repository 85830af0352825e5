/** Switchboard bridge. */
package dev.switchboard.bridge;
