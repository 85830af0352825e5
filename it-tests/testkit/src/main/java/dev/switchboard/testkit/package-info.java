/** Switchboard testkit. */
package dev.switchboard.testkit;
