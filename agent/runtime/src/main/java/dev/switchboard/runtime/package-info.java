/** Switchboard runtime. */
package dev.switchboard.runtime;
