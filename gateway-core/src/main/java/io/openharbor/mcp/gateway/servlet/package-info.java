/**
 * The host adapter for Jakarta Servlet 6 containers (Jetty 12, Tomcat 10.1+, ...).
 */
@NullMarked
package io.openharbor.mcp.gateway.servlet;

import org.jspecify.annotations.NullMarked;
