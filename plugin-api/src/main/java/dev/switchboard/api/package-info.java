/** Switchboard api. */
package dev.switchboard.api;
