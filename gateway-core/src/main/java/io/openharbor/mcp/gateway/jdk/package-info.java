/**
 * The host adapter for the JDK's {@code com.sun.net.httpserver.HttpServer}.
 */
@NullMarked
package io.openharbor.mcp.gateway.jdk;

import org.jspecify.annotations.NullMarked;
