/** Switchboard store. */
package dev.switchboard.store;
