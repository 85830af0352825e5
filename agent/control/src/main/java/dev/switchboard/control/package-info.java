/** Switchboard control. */
package dev.switchboard.control;
