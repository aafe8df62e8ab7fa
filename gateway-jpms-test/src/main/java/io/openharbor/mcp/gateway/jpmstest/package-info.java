/**
 * A modular host, for the module-path test.
 */
@NullMarked
package io.openharbor.mcp.gateway.jpmstest;

import org.jspecify.annotations.NullMarked;
