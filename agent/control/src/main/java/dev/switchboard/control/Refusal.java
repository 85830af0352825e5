package dev.switchboard.control;

/**
 * Why an activation was refused, attached to the FAILED answer of an activate request (never to
 * pushed events or status listings).
 *
 * @param permanent the refusal cannot change by asking again with the same jar and config (descriptor,
 *     config schema, API range, class version, entry class): a client should not retry until what it asks
 *     for changes
 * @param previousServing the instance that was active before the request is still ACTIVE and serving
 *     (a refused upgrade or restart of the side-by-side policy)
 */
public record Refusal(boolean permanent, boolean previousServing) {}
