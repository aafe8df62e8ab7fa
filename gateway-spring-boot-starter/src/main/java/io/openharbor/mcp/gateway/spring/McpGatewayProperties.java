package io.openharbor.mcp.gateway.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code mcp.gateway.*} properties: the configuration file's keys ({@code docs/configuration.md}) in Spring's
 * kebab case, {@code Gateway:BackendServers:0:MaxConnections} as {@code mcp.gateway.backend-servers[0].max-connections},
 * plus {@link #getEnabled() enabled} and {@link #getPath() path} of the starter itself. Values take Spring's forms
 * ({@code 30s}, {@code 4MB}, comma-separated lists); unknown properties under {@code mcp.gateway} fail start-up, as
 * unknown keys do in a file. Unset properties keep the gateway's defaults.
 */
@ConfigurationProperties(prefix = "mcp.gateway", ignoreUnknownFields = false)
public class McpGatewayProperties {
    /** Unset: Spring binds the properties into it. */
    public McpGatewayProperties() {}

    /** Whether the starter configures a gateway at all. */
    private boolean enabled = true;

    /** The path of the MCP endpoint on the application's own server (under its context path). */
    private String path = "/mcp";

    /** The replicas of one MCP server, balanced as one pool (Gateway:BackendServers); either these or servers. */
    private List<BackendServer> backendServers = new ArrayList<>();

    /** Several different MCP servers federated behind one endpoint, each under its prefix (Gateway:Servers). */
    private List<Server> servers = new ArrayList<>();

    /** How a federation names, pages and refreshes what its servers offer (Gateway:Federation). */
    private @Nullable Federation federation;

    /** Balancing, health checks, circuit breaker and retries (Gateway:LoadBalancing); a server's own overrides these key by key. */
    private @Nullable LoadBalancing loadBalancing;

    /** The pool's name, slow start, panic threshold and outlier detection (Gateway:Pool). */
    private @Nullable Pool pool;

    /** HTTPS, origins, hosts, forwarded headers, response headers, API keys and rate limits (Gateway:Security). */
    private @Nullable Security security;

    /** Session token keys and lifetime (Gateway:Sessions). */
    private @Nullable Sessions sessions;

    /** Connect, response, request, stream and drain timeouts (Gateway:Timeouts). */
    private @Nullable Timeouts timeouts;

    /** Request body and JSON limits (Gateway:Limits). */
    private @Nullable Limits limits;

    /** The gateway's own health JSON and certificate expiry warnings (Gateway:Health); Actuator's health endpoint is separate. */
    private @Nullable Health health;

    /** Whether the gateway's own threads are virtual on Java 21+ (default: spring.threads.virtual.enabled where set, else true). */
    private @Nullable Boolean virtualThreads;

    /** Whether each exchange gets an INFO line on the io.openharbor.mcp.gateway.access logger (default false). */
    private @Nullable Boolean accessLog;

    /** {@return whether the starter configures a gateway at all} */
    public boolean getEnabled() {
        return enabled;
    }

    /**
     * Sets {@code enabled}.
     *
     * @param enabled the new value
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** {@return the path of the MCP endpoint on the application's own server (under its context path)} */
    public String getPath() {
        return path;
    }

    /**
     * Sets {@code path}.
     *
     * @param path the new value
     */
    public void setPath(String path) {
        this.path = path;
    }

    /** {@return the replicas of one MCP server, balanced as one pool (Gateway:BackendServers); either these or servers} */
    public List<BackendServer> getBackendServers() {
        return backendServers;
    }

    /**
     * Sets {@code backendServers}.
     *
     * @param backendServers the new value
     */
    public void setBackendServers(List<BackendServer> backendServers) {
        this.backendServers = backendServers;
    }

    /** {@return several different MCP servers federated behind one endpoint, each under its prefix (Gateway:Servers)} */
    public List<Server> getServers() {
        return servers;
    }

    /**
     * Sets {@code servers}.
     *
     * @param servers the new value
     */
    public void setServers(List<Server> servers) {
        this.servers = servers;
    }

    /** {@return how a federation names, pages and refreshes what its servers offer (Gateway:Federation)} */
    public @Nullable Federation getFederation() {
        return federation;
    }

    /**
     * Sets {@code federation}.
     *
     * @param federation the new value
     */
    public void setFederation(@Nullable Federation federation) {
        this.federation = federation;
    }

    /** {@return balancing, health checks, circuit breaker and retries (Gateway:LoadBalancing); a server's own overrides these key by key} */
    public @Nullable LoadBalancing getLoadBalancing() {
        return loadBalancing;
    }

    /**
     * Sets {@code loadBalancing}.
     *
     * @param loadBalancing the new value
     */
    public void setLoadBalancing(@Nullable LoadBalancing loadBalancing) {
        this.loadBalancing = loadBalancing;
    }

    /** {@return the pool's name, slow start, panic threshold and outlier detection (Gateway:Pool)} */
    public @Nullable Pool getPool() {
        return pool;
    }

    /**
     * Sets {@code pool}.
     *
     * @param pool the new value
     */
    public void setPool(@Nullable Pool pool) {
        this.pool = pool;
    }

    /** {@return hTTPS, origins, hosts, forwarded headers, response headers, API keys and rate limits (Gateway:Security)} */
    public @Nullable Security getSecurity() {
        return security;
    }

    /**
     * Sets {@code security}.
     *
     * @param security the new value
     */
    public void setSecurity(@Nullable Security security) {
        this.security = security;
    }

    /** {@return session token keys and lifetime (Gateway:Sessions)} */
    public @Nullable Sessions getSessions() {
        return sessions;
    }

    /**
     * Sets {@code sessions}.
     *
     * @param sessions the new value
     */
    public void setSessions(@Nullable Sessions sessions) {
        this.sessions = sessions;
    }

    /** {@return connect, response, request, stream and drain timeouts (Gateway:Timeouts)} */
    public @Nullable Timeouts getTimeouts() {
        return timeouts;
    }

    /**
     * Sets {@code timeouts}.
     *
     * @param timeouts the new value
     */
    public void setTimeouts(@Nullable Timeouts timeouts) {
        this.timeouts = timeouts;
    }

    /** {@return request body and JSON limits (Gateway:Limits)} */
    public @Nullable Limits getLimits() {
        return limits;
    }

    /**
     * Sets {@code limits}.
     *
     * @param limits the new value
     */
    public void setLimits(@Nullable Limits limits) {
        this.limits = limits;
    }

    /** {@return the gateway's own health JSON and certificate expiry warnings (Gateway:Health); Actuator's health endpoint is separate} */
    public @Nullable Health getHealth() {
        return health;
    }

    /**
     * Sets {@code health}.
     *
     * @param health the new value
     */
    public void setHealth(@Nullable Health health) {
        this.health = health;
    }

    /** {@return whether the gateway's own threads are virtual on Java 21+ (default: spring.threads.virtual.enabled where set, else true)} */
    public @Nullable Boolean getVirtualThreads() {
        return virtualThreads;
    }

    /**
     * Sets {@code virtualThreads}.
     *
     * @param virtualThreads the new value
     */
    public void setVirtualThreads(@Nullable Boolean virtualThreads) {
        this.virtualThreads = virtualThreads;
    }

    /** {@return whether each exchange gets an INFO line on the io.openharbor.mcp.gateway.access logger (default false)} */
    public @Nullable Boolean getAccessLog() {
        return accessLog;
    }

    /**
     * Sets {@code accessLog}.
     *
     * @param accessLog the new value
     */
    public void setAccessLog(@Nullable Boolean accessLog) {
        this.accessLog = accessLog;
    }

    /** One replica: the URL of its MCP endpoint and its limits. */
    public static class BackendServer {
        /** Unset: Spring binds the properties into it. */
        public BackendServer() {}

        /** Headers sent to this backend on every request and health check, by name (its own credentials; never the client's) */
        private Map<String, String> headers = new LinkedHashMap<>();
        /** Whether the client's Authorization is passed to this backend: token passthrough, unsafe (default false) */
        private @Nullable Boolean forwardClientCredentials;
        /** The gateway's own OAuth token for this backend, by the client-credentials grant */
        private @Nullable ClientCredentials clientCredentials;

        /** {@return headers sent to this backend on every request and health check, by name (its own credentials; never the client's)} */
        public Map<String, String> getHeaders() {
            return headers;
        }

        /**
         * Sets {@code headers}.
         *
         * @param headers the new value
         */
        public void setHeaders(Map<String, String> headers) {
            this.headers = headers;
        }

        /** {@return whether the client's Authorization is passed to this backend: token passthrough, unsafe (default false)} */
        public @Nullable Boolean getForwardClientCredentials() {
            return forwardClientCredentials;
        }

        /**
         * Sets {@code forwardClientCredentials}.
         *
         * @param forwardClientCredentials the new value
         */
        public void setForwardClientCredentials(@Nullable Boolean forwardClientCredentials) {
            this.forwardClientCredentials = forwardClientCredentials;
        }

        /** {@return the gateway's own OAuth token for this backend, by the client-credentials grant} */
        public @Nullable ClientCredentials getClientCredentials() {
            return clientCredentials;
        }

        /**
         * Sets {@code clientCredentials}.
         *
         * @param clientCredentials the new value
         */
        public void setClientCredentials(@Nullable ClientCredentials clientCredentials) {
            this.clientCredentials = clientCredentials;
        }

        /** The backend's name, sealed into session tokens: keep it stable (default: host:port of the URL). */
        private @Nullable String name;

        /** The http(s) URL of the backend's MCP endpoint, used as it is (required). */
        private @Nullable String url;

        /** The path probed by Http health checks (default /health). */
        private @Nullable String healthCheckPath;

        /** The most requests in flight to this backend, streams included (1 to 100000, default 100). */
        private @Nullable Integer maxConnections;

        /** The backend's share of new sessions relative to the others (1 to 1000, default 1). */
        private @Nullable Integer weight;

        /** Whether to speak HTTP/2 without TLS to this backend (default false). */
        private @Nullable Boolean h2cPriorKnowledge;

        /** How an https backend's certificate is checked, and the client certificate presented to it. */
        private @Nullable TlsOptions tlsOptions;

        /** {@return the backend's name, sealed into session tokens: keep it stable (default: host:port of the URL)} */
        public @Nullable String getName() {
            return name;
        }

        /**
         * Sets {@code name}.
         *
         * @param name the new value
         */
        public void setName(@Nullable String name) {
            this.name = name;
        }

        /** {@return the http(s) URL of the backend's MCP endpoint, used as it is (required)} */
        public @Nullable String getUrl() {
            return url;
        }

        /**
         * Sets {@code url}.
         *
         * @param url the new value
         */
        public void setUrl(@Nullable String url) {
            this.url = url;
        }

        /** {@return the path probed by Http health checks (default /health)} */
        public @Nullable String getHealthCheckPath() {
            return healthCheckPath;
        }

        /**
         * Sets {@code healthCheckPath}.
         *
         * @param healthCheckPath the new value
         */
        public void setHealthCheckPath(@Nullable String healthCheckPath) {
            this.healthCheckPath = healthCheckPath;
        }

        /** {@return the most requests in flight to this backend, streams included (1 to 100000, default 100)} */
        public @Nullable Integer getMaxConnections() {
            return maxConnections;
        }

        /**
         * Sets {@code maxConnections}.
         *
         * @param maxConnections the new value
         */
        public void setMaxConnections(@Nullable Integer maxConnections) {
            this.maxConnections = maxConnections;
        }

        /** {@return the backend's share of new sessions relative to the others (1 to 1000, default 1)} */
        public @Nullable Integer getWeight() {
            return weight;
        }

        /**
         * Sets {@code weight}.
         *
         * @param weight the new value
         */
        public void setWeight(@Nullable Integer weight) {
            this.weight = weight;
        }

        /** {@return whether to speak HTTP/2 without TLS to this backend (default false)} */
        public @Nullable Boolean getH2cPriorKnowledge() {
            return h2cPriorKnowledge;
        }

        /**
         * Sets {@code h2cPriorKnowledge}.
         *
         * @param h2cPriorKnowledge the new value
         */
        public void setH2cPriorKnowledge(@Nullable Boolean h2cPriorKnowledge) {
            this.h2cPriorKnowledge = h2cPriorKnowledge;
        }

        /** {@return how an https backend's certificate is checked, and the client certificate presented to it} */
        public @Nullable TlsOptions getTlsOptions() {
            return tlsOptions;
        }

        /**
         * Sets {@code tlsOptions}.
         *
         * @param tlsOptions the new value
         */
        public void setTlsOptions(@Nullable TlsOptions tlsOptions) {
            this.tlsOptions = tlsOptions;
        }
    }

    /** Certificate checks and client certificate of one https backend (gateway-tls BackendTls). */
    public static class TlsOptions {
        /** Unset: Spring binds the properties into it. */
        public TlsOptions() {}

        /** Whether the chain and host name are checked; false needs a thumbprint or pin (default true). */
        private @Nullable Boolean validateCertificate;

        /** SHA-1 or SHA-256 hex thumbprints of the leaf certificates accepted. */
        private List<String> allowedCertificateThumbprints = new ArrayList<>();

        /** Public key pins, sha256/ followed by base64. */
        private List<String> pins = new ArrayList<>();

        /** A trust store in place of the JVM's roots: .pem/.crt, .p12/.pfx or .jks. */
        private @Nullable KeyStoreFile trustStore;

        /** Whether the JVM's roots are trusted too (default true without a trust store, else false). */
        private @Nullable Boolean includeSystemRoots;

        /** The certificate presented to the backend (mutual TLS). */
        private @Nullable ClientCertificate clientCertificate;

        /** TLS versions offered: TLSv1.3, TLSv1.2 (default both). */
        private List<String> protocols = new ArrayList<>();

        /** How often the certificate files are checked for changes (default 10s). */
        private @Nullable Duration reloadCheckInterval;

        /** {@return whether the chain and host name are checked; false needs a thumbprint or pin (default true)} */
        public @Nullable Boolean getValidateCertificate() {
            return validateCertificate;
        }

        /**
         * Sets {@code validateCertificate}.
         *
         * @param validateCertificate the new value
         */
        public void setValidateCertificate(@Nullable Boolean validateCertificate) {
            this.validateCertificate = validateCertificate;
        }

        /** {@return sHA-1 or SHA-256 hex thumbprints of the leaf certificates accepted} */
        public List<String> getAllowedCertificateThumbprints() {
            return allowedCertificateThumbprints;
        }

        /**
         * Sets {@code allowedCertificateThumbprints}.
         *
         * @param allowedCertificateThumbprints the new value
         */
        public void setAllowedCertificateThumbprints(List<String> allowedCertificateThumbprints) {
            this.allowedCertificateThumbprints = allowedCertificateThumbprints;
        }

        /** {@return public key pins, sha256/ followed by base64} */
        public List<String> getPins() {
            return pins;
        }

        /**
         * Sets {@code pins}.
         *
         * @param pins the new value
         */
        public void setPins(List<String> pins) {
            this.pins = pins;
        }

        /** {@return a trust store in place of the JVM's roots: .pem/.crt, .p12/.pfx or .jks} */
        public @Nullable KeyStoreFile getTrustStore() {
            return trustStore;
        }

        /**
         * Sets {@code trustStore}.
         *
         * @param trustStore the new value
         */
        public void setTrustStore(@Nullable KeyStoreFile trustStore) {
            this.trustStore = trustStore;
        }

        /** {@return whether the JVM's roots are trusted too (default true without a trust store, else false)} */
        public @Nullable Boolean getIncludeSystemRoots() {
            return includeSystemRoots;
        }

        /**
         * Sets {@code includeSystemRoots}.
         *
         * @param includeSystemRoots the new value
         */
        public void setIncludeSystemRoots(@Nullable Boolean includeSystemRoots) {
            this.includeSystemRoots = includeSystemRoots;
        }

        /** {@return the certificate presented to the backend (mutual TLS)} */
        public @Nullable ClientCertificate getClientCertificate() {
            return clientCertificate;
        }

        /**
         * Sets {@code clientCertificate}.
         *
         * @param clientCertificate the new value
         */
        public void setClientCertificate(@Nullable ClientCertificate clientCertificate) {
            this.clientCertificate = clientCertificate;
        }

        /** {@return tLS versions offered: TLSv1.3, TLSv1.2 (default both)} */
        public List<String> getProtocols() {
            return protocols;
        }

        /**
         * Sets {@code protocols}.
         *
         * @param protocols the new value
         */
        public void setProtocols(List<String> protocols) {
            this.protocols = protocols;
        }

        /** {@return how often the certificate files are checked for changes (default 10s)} */
        public @Nullable Duration getReloadCheckInterval() {
            return reloadCheckInterval;
        }

        /**
         * Sets {@code reloadCheckInterval}.
         *
         * @param reloadCheckInterval the new value
         */
        public void setReloadCheckInterval(@Nullable Duration reloadCheckInterval) {
            this.reloadCheckInterval = reloadCheckInterval;
        }
    }

    /** A trust store file and its password. */
    public static class KeyStoreFile {
        /** Unset: Spring binds the properties into it. */
        public KeyStoreFile() {}

        /** The file: .pem or .crt (PEM), .p12 or .pfx (PKCS#12), .jks. */
        private @Nullable String path;

        /** The store's password (default empty). */
        private @Nullable String password;

        /** A file holding the store's password, trimmed (a mounted secret). */
        private @Nullable String passwordFile;

        /** {@return the file: .pem or .crt (PEM), .p12 or .pfx (PKCS#12), .jks} */
        public @Nullable String getPath() {
            return path;
        }

        /**
         * Sets {@code path}.
         *
         * @param path the new value
         */
        public void setPath(@Nullable String path) {
            this.path = path;
        }

        /** {@return the store's password (default empty)} */
        public @Nullable String getPassword() {
            return password;
        }

        /**
         * Sets {@code password}.
         *
         * @param password the new value
         */
        public void setPassword(@Nullable String password) {
            this.password = password;
        }

        /** {@return a file holding the store's password, trimmed (a mounted secret)} */
        public @Nullable String getPasswordFile() {
            return passwordFile;
        }

        /**
         * Sets {@code passwordFile}.
         *
         * @param passwordFile the new value
         */
        public void setPasswordFile(@Nullable String passwordFile) {
            this.passwordFile = passwordFile;
        }
    }

    /** A client certificate for mutual TLS. */
    public static class ClientCertificate {
        /** Unset: Spring binds the properties into it. */
        public ClientCertificate() {}

        /** A PEM chain, or a .p12/.pfx key store. */
        private @Nullable String path;

        /** The PEM private key (PKCS#8), required with a PEM chain. */
        private @Nullable String keyPath;

        /** The key's or key store's password. */
        private @Nullable String password;

        /** A file holding that password, trimmed (a mounted secret). */
        private @Nullable String passwordFile;

        /** {@return a PEM chain, or a .p12/.pfx key store} */
        public @Nullable String getPath() {
            return path;
        }

        /**
         * Sets {@code path}.
         *
         * @param path the new value
         */
        public void setPath(@Nullable String path) {
            this.path = path;
        }

        /** {@return the PEM private key (PKCS#8), required with a PEM chain} */
        public @Nullable String getKeyPath() {
            return keyPath;
        }

        /**
         * Sets {@code keyPath}.
         *
         * @param keyPath the new value
         */
        public void setKeyPath(@Nullable String keyPath) {
            this.keyPath = keyPath;
        }

        /** {@return the key's or key store's password} */
        public @Nullable String getPassword() {
            return password;
        }

        /**
         * Sets {@code password}.
         *
         * @param password the new value
         */
        public void setPassword(@Nullable String password) {
            this.password = password;
        }

        /** {@return a file holding that password, trimmed (a mounted secret)} */
        public @Nullable String getPasswordFile() {
            return passwordFile;
        }

        /**
         * Sets {@code passwordFile}.
         *
         * @param passwordFile the new value
         */
        public void setPasswordFile(@Nullable String passwordFile) {
            this.passwordFile = passwordFile;
        }
    }

    /** One federated MCP server: its prefix, its replicas and what it exposes. */
    public static class Server {
        /** Unset: Spring binds the properties into it. */
        public Server() {}

        /** The server's id, sealed into session tokens: keep it stable (required). */
        private @Nullable String name;

        /** What its exposed tool, prompt and resource names start with: 1 to 16 lowercase letters and digits, unique (required). */
        private @Nullable String prefix;

        /** Whether initialize fails when this server cannot be reached (default false). */
        private @Nullable Boolean required;

        /** Names (or prefix*) exposed; default all. */
        private List<String> include = new ArrayList<>();

        /** Names (or prefix*) hidden. */
        private List<String> exclude = new ArrayList<>();

        /** The server's replicas (at least one). */
        private List<BackendServer> backendServers = new ArrayList<>();

        /** This server's balancing, overriding the top-level load-balancing key by key (max-attempts and retry-budget stay gateway-wide). */
        private @Nullable LoadBalancing loadBalancing;

        /** This server's slow-start, panic-threshold-percent and fail-fast-in-panic. */
        private @Nullable Pool pool;

        /** {@return the server's id, sealed into session tokens: keep it stable (required)} */
        public @Nullable String getName() {
            return name;
        }

        /**
         * Sets {@code name}.
         *
         * @param name the new value
         */
        public void setName(@Nullable String name) {
            this.name = name;
        }

        /** {@return what its exposed tool, prompt and resource names start with: 1 to 16 lowercase letters and digits, unique (required)} */
        public @Nullable String getPrefix() {
            return prefix;
        }

        /**
         * Sets {@code prefix}.
         *
         * @param prefix the new value
         */
        public void setPrefix(@Nullable String prefix) {
            this.prefix = prefix;
        }

        /** {@return whether initialize fails when this server cannot be reached (default false)} */
        public @Nullable Boolean getRequired() {
            return required;
        }

        /**
         * Sets {@code required}.
         *
         * @param required the new value
         */
        public void setRequired(@Nullable Boolean required) {
            this.required = required;
        }

        /** {@return names (or prefix*) exposed; default all} */
        public List<String> getInclude() {
            return include;
        }

        /**
         * Sets {@code include}.
         *
         * @param include the new value
         */
        public void setInclude(List<String> include) {
            this.include = include;
        }

        /** {@return names (or prefix*) hidden} */
        public List<String> getExclude() {
            return exclude;
        }

        /**
         * Sets {@code exclude}.
         *
         * @param exclude the new value
         */
        public void setExclude(List<String> exclude) {
            this.exclude = exclude;
        }

        /** {@return the server's replicas (at least one)} */
        public List<BackendServer> getBackendServers() {
            return backendServers;
        }

        /**
         * Sets {@code backendServers}.
         *
         * @param backendServers the new value
         */
        public void setBackendServers(List<BackendServer> backendServers) {
            this.backendServers = backendServers;
        }

        /** {@return this server's balancing, overriding the top-level load-balancing key by key (max-attempts and retry-budget stay gateway-wide)} */
        public @Nullable LoadBalancing getLoadBalancing() {
            return loadBalancing;
        }

        /**
         * Sets {@code loadBalancing}.
         *
         * @param loadBalancing the new value
         */
        public void setLoadBalancing(@Nullable LoadBalancing loadBalancing) {
            this.loadBalancing = loadBalancing;
        }

        /** {@return this server's slow-start, panic-threshold-percent and fail-fast-in-panic} */
        public @Nullable Pool getPool() {
            return pool;
        }

        /**
         * Sets {@code pool}.
         *
         * @param pool the new value
         */
        public void setPool(@Nullable Pool pool) {
            this.pool = pool;
        }
    }

    /** How a federation names and lists what its servers offer. */
    public static class Federation {
        /** Unset: Spring binds the properties into it. */
        public Federation() {}

        /** What joins a prefix and a name: one or two of _ and - (default _). */
        private @Nullable String nameSeparator;

        /** The longest exposed name (32 to 128, default 64). */
        private @Nullable Integer maxNameLength;

        /** The deadline of initialize and list fan-outs (default 10s). */
        private @Nullable Duration timeout;

        /** How often the servers' catalogues are re-listed (default 30s). */
        private @Nullable Duration catalogRefresh;

        /** Entries per page of a federated list (1 to 10000, default 100). */
        private @Nullable Integer listPageSize;

        /** {@return what joins a prefix and a name: one or two of _ and - (default _)} */
        public @Nullable String getNameSeparator() {
            return nameSeparator;
        }

        /**
         * Sets {@code nameSeparator}.
         *
         * @param nameSeparator the new value
         */
        public void setNameSeparator(@Nullable String nameSeparator) {
            this.nameSeparator = nameSeparator;
        }

        /** {@return the longest exposed name (32 to 128, default 64)} */
        public @Nullable Integer getMaxNameLength() {
            return maxNameLength;
        }

        /**
         * Sets {@code maxNameLength}.
         *
         * @param maxNameLength the new value
         */
        public void setMaxNameLength(@Nullable Integer maxNameLength) {
            this.maxNameLength = maxNameLength;
        }

        /** {@return the deadline of initialize and list fan-outs (default 10s)} */
        public @Nullable Duration getTimeout() {
            return timeout;
        }

        /**
         * Sets {@code timeout}.
         *
         * @param timeout the new value
         */
        public void setTimeout(@Nullable Duration timeout) {
            this.timeout = timeout;
        }

        /** {@return how often the servers' catalogues are re-listed (default 30s)} */
        public @Nullable Duration getCatalogRefresh() {
            return catalogRefresh;
        }

        /**
         * Sets {@code catalogRefresh}.
         *
         * @param catalogRefresh the new value
         */
        public void setCatalogRefresh(@Nullable Duration catalogRefresh) {
            this.catalogRefresh = catalogRefresh;
        }

        /** {@return entries per page of a federated list (1 to 10000, default 100)} */
        public @Nullable Integer getListPageSize() {
            return listPageSize;
        }

        /**
         * Sets {@code listPageSize}.
         *
         * @param listPageSize the new value
         */
        public void setListPageSize(@Nullable Integer listPageSize) {
            this.listPageSize = listPageSize;
        }
    }

    /** Balancing, health checks, the circuit breaker and retries. */
    public static class LoadBalancing {
        /** Unset: Spring binds the properties into it. */
        public LoadBalancing() {}

        /** How a backend is picked for a new session (default peak-ewma); a LoadBalancer bean replaces it. */
        private @Nullable Strategy strategy;

        /** What consistent-hash hashes: Tool, Caller, ClientAddress or Header:name (required with consistent-hash). */
        private @Nullable String hashKey;

        /** The seed's spelling of health-check.interval; set one of them. */
        private @Nullable Duration healthCheckInterval;

        /** Active health checks. */
        private @Nullable HealthCheck healthCheck;

        /** The per-backend circuit breaker. */
        private @Nullable CircuitBreaker circuitBreaker;

        /** Attempts per request, first included, for requests that cannot have reached a backend or are safe to repeat (1 to 10, default 3). */
        private @Nullable Integer maxAttempts;

        /** The share of requests that may be retries. */
        private @Nullable RetryBudget retryBudget;

        /** {@return how a backend is picked for a new session (default peak-ewma); a LoadBalancer bean replaces it} */
        public @Nullable Strategy getStrategy() {
            return strategy;
        }

        /**
         * Sets {@code strategy}.
         *
         * @param strategy the new value
         */
        public void setStrategy(@Nullable Strategy strategy) {
            this.strategy = strategy;
        }

        /** {@return what consistent-hash hashes: Tool, Caller, ClientAddress or Header:name (required with consistent-hash)} */
        public @Nullable String getHashKey() {
            return hashKey;
        }

        /**
         * Sets {@code hashKey}.
         *
         * @param hashKey the new value
         */
        public void setHashKey(@Nullable String hashKey) {
            this.hashKey = hashKey;
        }

        /** {@return the seed's spelling of health-check.interval; set one of them} */
        public @Nullable Duration getHealthCheckInterval() {
            return healthCheckInterval;
        }

        /**
         * Sets {@code healthCheckInterval}.
         *
         * @param healthCheckInterval the new value
         */
        public void setHealthCheckInterval(@Nullable Duration healthCheckInterval) {
            this.healthCheckInterval = healthCheckInterval;
        }

        /** {@return active health checks} */
        public @Nullable HealthCheck getHealthCheck() {
            return healthCheck;
        }

        /**
         * Sets {@code healthCheck}.
         *
         * @param healthCheck the new value
         */
        public void setHealthCheck(@Nullable HealthCheck healthCheck) {
            this.healthCheck = healthCheck;
        }

        /** {@return the per-backend circuit breaker} */
        public @Nullable CircuitBreaker getCircuitBreaker() {
            return circuitBreaker;
        }

        /**
         * Sets {@code circuitBreaker}.
         *
         * @param circuitBreaker the new value
         */
        public void setCircuitBreaker(@Nullable CircuitBreaker circuitBreaker) {
            this.circuitBreaker = circuitBreaker;
        }

        /** {@return attempts per request, first included, for requests that cannot have reached a backend or are safe to repeat (1 to 10, default 3)} */
        public @Nullable Integer getMaxAttempts() {
            return maxAttempts;
        }

        /**
         * Sets {@code maxAttempts}.
         *
         * @param maxAttempts the new value
         */
        public void setMaxAttempts(@Nullable Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        /** {@return the share of requests that may be retries} */
        public @Nullable RetryBudget getRetryBudget() {
            return retryBudget;
        }

        /**
         * Sets {@code retryBudget}.
         *
         * @param retryBudget the new value
         */
        public void setRetryBudget(@Nullable RetryBudget retryBudget) {
            this.retryBudget = retryBudget;
        }
    }

    /** Active health checks of every backend. */
    public static class HealthCheck {
        /** Unset: Spring binds the properties into it. */
        public HealthCheck() {}

        /** Whether backends are probed (default true). */
        private @Nullable Boolean enabled;

        /** What a probe sends: http (GET of health-check-path), mcp-ping or mcp-tools-list (default http). */
        private @Nullable HealthCheckMode mode;

        /** Time between probes (100ms to 1d, default 30s). */
        private @Nullable Duration interval;

        /** A probe's deadline (10ms to 10m, default 5s). */
        private @Nullable Duration timeout;

        /** Random spread of the interval (0 to 0.5, default 0.1). */
        private @Nullable Double jitter;

        /** Failed probes in a row that mark a backend unhealthy (1 to 100, default 3). */
        private @Nullable Integer unhealthyThreshold;

        /** Passed probes in a row that mark it healthy again (1 to 100, default 2). */
        private @Nullable Integer healthyThreshold;

        /** {@return whether backends are probed (default true)} */
        public @Nullable Boolean getEnabled() {
            return enabled;
        }

        /**
         * Sets {@code enabled}.
         *
         * @param enabled the new value
         */
        public void setEnabled(@Nullable Boolean enabled) {
            this.enabled = enabled;
        }

        /** {@return what a probe sends: http (GET of health-check-path), mcp-ping or mcp-tools-list (default http)} */
        public @Nullable HealthCheckMode getMode() {
            return mode;
        }

        /**
         * Sets {@code mode}.
         *
         * @param mode the new value
         */
        public void setMode(@Nullable HealthCheckMode mode) {
            this.mode = mode;
        }

        /** {@return time between probes (100ms to 1d, default 30s)} */
        public @Nullable Duration getInterval() {
            return interval;
        }

        /**
         * Sets {@code interval}.
         *
         * @param interval the new value
         */
        public void setInterval(@Nullable Duration interval) {
            this.interval = interval;
        }

        /** {@return a probe's deadline (10ms to 10m, default 5s)} */
        public @Nullable Duration getTimeout() {
            return timeout;
        }

        /**
         * Sets {@code timeout}.
         *
         * @param timeout the new value
         */
        public void setTimeout(@Nullable Duration timeout) {
            this.timeout = timeout;
        }

        /** {@return random spread of the interval (0 to 0.5, default 0.1)} */
        public @Nullable Double getJitter() {
            return jitter;
        }

        /**
         * Sets {@code jitter}.
         *
         * @param jitter the new value
         */
        public void setJitter(@Nullable Double jitter) {
            this.jitter = jitter;
        }

        /** {@return failed probes in a row that mark a backend unhealthy (1 to 100, default 3)} */
        public @Nullable Integer getUnhealthyThreshold() {
            return unhealthyThreshold;
        }

        /**
         * Sets {@code unhealthyThreshold}.
         *
         * @param unhealthyThreshold the new value
         */
        public void setUnhealthyThreshold(@Nullable Integer unhealthyThreshold) {
            this.unhealthyThreshold = unhealthyThreshold;
        }

        /** {@return passed probes in a row that mark it healthy again (1 to 100, default 2)} */
        public @Nullable Integer getHealthyThreshold() {
            return healthyThreshold;
        }

        /**
         * Sets {@code healthyThreshold}.
         *
         * @param healthyThreshold the new value
         */
        public void setHealthyThreshold(@Nullable Integer healthyThreshold) {
            this.healthyThreshold = healthyThreshold;
        }
    }

    /** The per-backend circuit breaker. */
    public static class CircuitBreaker {
        /** Unset: Spring binds the properties into it. */
        public CircuitBreaker() {}

        /** Whether backends have a breaker (default true). */
        private @Nullable Boolean enabled;

        /** Failures in a row that open it (1 to 1000, default 5). */
        private @Nullable Integer failureThreshold;

        /** Trial successes that close it again (1 to 1000, default 2). */
        private @Nullable Integer successThreshold;

        /** How long it stays open before a trial (1ms to 1d, default 60s). */
        private @Nullable Duration timeout;

        /** {@return whether backends have a breaker (default true)} */
        public @Nullable Boolean getEnabled() {
            return enabled;
        }

        /**
         * Sets {@code enabled}.
         *
         * @param enabled the new value
         */
        public void setEnabled(@Nullable Boolean enabled) {
            this.enabled = enabled;
        }

        /** {@return failures in a row that open it (1 to 1000, default 5)} */
        public @Nullable Integer getFailureThreshold() {
            return failureThreshold;
        }

        /**
         * Sets {@code failureThreshold}.
         *
         * @param failureThreshold the new value
         */
        public void setFailureThreshold(@Nullable Integer failureThreshold) {
            this.failureThreshold = failureThreshold;
        }

        /** {@return trial successes that close it again (1 to 1000, default 2)} */
        public @Nullable Integer getSuccessThreshold() {
            return successThreshold;
        }

        /**
         * Sets {@code successThreshold}.
         *
         * @param successThreshold the new value
         */
        public void setSuccessThreshold(@Nullable Integer successThreshold) {
            this.successThreshold = successThreshold;
        }

        /** {@return how long it stays open before a trial (1ms to 1d, default 60s)} */
        public @Nullable Duration getTimeout() {
            return timeout;
        }

        /**
         * Sets {@code timeout}.
         *
         * @param timeout the new value
         */
        public void setTimeout(@Nullable Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** The share of requests that may be retries. */
    public static class RetryBudget {
        /** Unset: Spring binds the properties into it. */
        public RetryBudget() {}

        /** Retries allowed per request (0 to 1, default 0.2). */
        private @Nullable Double ratio;

        /** Retries always allowed per second (0 to 10000, default 10). */
        private @Nullable Integer minRetriesPerSecond;

        /** {@return retries allowed per request (0 to 1, default 0.2)} */
        public @Nullable Double getRatio() {
            return ratio;
        }

        /**
         * Sets {@code ratio}.
         *
         * @param ratio the new value
         */
        public void setRatio(@Nullable Double ratio) {
            this.ratio = ratio;
        }

        /** {@return retries always allowed per second (0 to 10000, default 10)} */
        public @Nullable Integer getMinRetriesPerSecond() {
            return minRetriesPerSecond;
        }

        /**
         * Sets {@code minRetriesPerSecond}.
         *
         * @param minRetriesPerSecond the new value
         */
        public void setMinRetriesPerSecond(@Nullable Integer minRetriesPerSecond) {
            this.minRetriesPerSecond = minRetriesPerSecond;
        }
    }

    /** The pool's name and how it copes with failing backends. */
    public static class Pool {
        /** Unset: Spring binds the properties into it. */
        public Pool() {}

        /** The pool's name, sealed into session tokens (default "default"). */
        private @Nullable String name;

        /** How long a new or recovered backend takes to reach its full share (0 to 1h, default 30s). */
        private @Nullable Duration slowStart;

        /** Below this share of available backends, balance over all of them (0 to 100, default 50). */
        private @Nullable Integer panicThresholdPercent;

        /** In panic, fail requests instead of balancing over all backends (default false). */
        private @Nullable Boolean failFastInPanic;

        /** Ejection of backends that fail in a row (top level only). */
        private @Nullable OutlierDetection outlierDetection;

        /** {@return the pool's name, sealed into session tokens (default "default")} */
        public @Nullable String getName() {
            return name;
        }

        /**
         * Sets {@code name}.
         *
         * @param name the new value
         */
        public void setName(@Nullable String name) {
            this.name = name;
        }

        /** {@return how long a new or recovered backend takes to reach its full share (0 to 1h, default 30s)} */
        public @Nullable Duration getSlowStart() {
            return slowStart;
        }

        /**
         * Sets {@code slowStart}.
         *
         * @param slowStart the new value
         */
        public void setSlowStart(@Nullable Duration slowStart) {
            this.slowStart = slowStart;
        }

        /** {@return below this share of available backends, balance over all of them (0 to 100, default 50)} */
        public @Nullable Integer getPanicThresholdPercent() {
            return panicThresholdPercent;
        }

        /**
         * Sets {@code panicThresholdPercent}.
         *
         * @param panicThresholdPercent the new value
         */
        public void setPanicThresholdPercent(@Nullable Integer panicThresholdPercent) {
            this.panicThresholdPercent = panicThresholdPercent;
        }

        /** {@return in panic, fail requests instead of balancing over all backends (default false)} */
        public @Nullable Boolean getFailFastInPanic() {
            return failFastInPanic;
        }

        /**
         * Sets {@code failFastInPanic}.
         *
         * @param failFastInPanic the new value
         */
        public void setFailFastInPanic(@Nullable Boolean failFastInPanic) {
            this.failFastInPanic = failFastInPanic;
        }

        /** {@return ejection of backends that fail in a row (top level only)} */
        public @Nullable OutlierDetection getOutlierDetection() {
            return outlierDetection;
        }

        /**
         * Sets {@code outlierDetection}.
         *
         * @param outlierDetection the new value
         */
        public void setOutlierDetection(@Nullable OutlierDetection outlierDetection) {
            this.outlierDetection = outlierDetection;
        }
    }

    /** Ejection of backends that keep failing. */
    public static class OutlierDetection {
        /** Unset: Spring binds the properties into it. */
        public OutlierDetection() {}

        /** Whether failing backends are ejected (default true). */
        private @Nullable Boolean enabled;

        /** Failures in a row that eject a backend (1 to 1000, default 5). */
        private @Nullable Integer consecutiveFailures;

        /** The first ejection's length, growing with each further one (1ms to 1h, default 30s). */
        private @Nullable Duration baseEjectionTime;

        /** The longest ejection (1ms to 1d, default 300s). */
        private @Nullable Duration maxEjectionTime;

        /** The most of the pool ejected at once (0 to 100, default 10). */
        private @Nullable Integer maxEjectionPercent;

        /** {@return whether failing backends are ejected (default true)} */
        public @Nullable Boolean getEnabled() {
            return enabled;
        }

        /**
         * Sets {@code enabled}.
         *
         * @param enabled the new value
         */
        public void setEnabled(@Nullable Boolean enabled) {
            this.enabled = enabled;
        }

        /** {@return failures in a row that eject a backend (1 to 1000, default 5)} */
        public @Nullable Integer getConsecutiveFailures() {
            return consecutiveFailures;
        }

        /**
         * Sets {@code consecutiveFailures}.
         *
         * @param consecutiveFailures the new value
         */
        public void setConsecutiveFailures(@Nullable Integer consecutiveFailures) {
            this.consecutiveFailures = consecutiveFailures;
        }

        /** {@return the first ejection's length, growing with each further one (1ms to 1h, default 30s)} */
        public @Nullable Duration getBaseEjectionTime() {
            return baseEjectionTime;
        }

        /**
         * Sets {@code baseEjectionTime}.
         *
         * @param baseEjectionTime the new value
         */
        public void setBaseEjectionTime(@Nullable Duration baseEjectionTime) {
            this.baseEjectionTime = baseEjectionTime;
        }

        /** {@return the longest ejection (1ms to 1d, default 300s)} */
        public @Nullable Duration getMaxEjectionTime() {
            return maxEjectionTime;
        }

        /**
         * Sets {@code maxEjectionTime}.
         *
         * @param maxEjectionTime the new value
         */
        public void setMaxEjectionTime(@Nullable Duration maxEjectionTime) {
            this.maxEjectionTime = maxEjectionTime;
        }

        /** {@return the most of the pool ejected at once (0 to 100, default 10)} */
        public @Nullable Integer getMaxEjectionPercent() {
            return maxEjectionPercent;
        }

        /**
         * Sets {@code maxEjectionPercent}.
         *
         * @param maxEjectionPercent the new value
         */
        public void setMaxEjectionPercent(@Nullable Integer maxEjectionPercent) {
            this.maxEjectionPercent = maxEjectionPercent;
        }
    }

    /** Transport security, origins, API keys and rate limits. */
    public static class Security {
        /** Unset: Spring binds the properties into it. */
        public Security() {}

        /** The gateway as an OAuth 2.1 resource server: bearer tokens of one issuer, instead of API keys */
        private @Nullable OAuth oauth;

        /** {@return the gateway as an OAuth 2.1 resource server: bearer tokens of one issuer, instead of API keys} */
        public @Nullable OAuth getOauth() {
            return oauth;
        }

        /**
         * Sets {@code oauth}.
         *
         * @param oauth the new value
         */
        public void setOauth(@Nullable OAuth oauth) {
            this.oauth = oauth;
        }

        /** Whether plain HTTP requests are redirected or refused (default false). */
        private @Nullable Boolean requireHttps;

        /** What happens to a plain HTTP request when HTTPS is required: redirect or reject (default redirect). */
        private @Nullable HttpsAction httpsAction;

        /** The port redirects go to (default 443). */
        private @Nullable Integer httpsPort;

        /** Whether X-Forwarded-* and Forwarded from trusted proxies are believed (default false). */
        private @Nullable Boolean trustForwardedHeaders;

        /** Addresses or CIDRs of the proxies believed (default 127.0.0.0/8 and ::1). */
        private List<String> trustedProxies = new ArrayList<>();

        /** Whether backends get X-Forwarded-For/Proto/Host (default true). */
        private @Nullable Boolean forwardedHeadersToBackend;

        /** Origins allowed to call, such as https://app.example.com, https://*.example.com or * (default the gateway's own loopback origin only). */
        private List<String> allowedOrigins = new ArrayList<>();

        /** Host header values accepted (default any). */
        private List<String> allowedHosts = new ArrayList<>();

        /** The Strict-Transport-Security header on HTTPS answers; empty turns it off. */
        private @Nullable String hsts;

        /** Headers added to every answer, by name; an empty value removes a default one. */
        private Map<String, String> responseHeaders = new LinkedHashMap<>();

        /** How long browsers may cache a preflight answer (default 10m). */
        private @Nullable Duration corsMaxAge;

        /** Request headers allowed across origins (default MCP's). */
        private List<String> corsAllowedHeaders = new ArrayList<>();

        /** The seed's single API key; its caller is named default. Prefer api-key-file or an environment variable. */
        private @Nullable String apiKey;

        /** A file holding the single API key, trimmed (a mounted secret). */
        private @Nullable String apiKeyFile;

        /** Named callers, each with its own key. */
        private List<ApiKey> apiKeys = new ArrayList<>();

        /** The header carrying the key (default X-API-Key). */
        private @Nullable String apiKeyHeader;

        /** Whether Authorization: Bearer key is accepted too (default false). */
        private @Nullable Boolean acceptBearer;

        /** The realm of the WWW-Authenticate challenge (default mcp-gateway). */
        private @Nullable String apiKeyRealm;

        /** Per-caller and per-tool rate limits; on once set. */
        private @Nullable RateLimiting rateLimiting;

        /** {@return whether plain HTTP requests are redirected or refused (default false)} */
        public @Nullable Boolean getRequireHttps() {
            return requireHttps;
        }

        /**
         * Sets {@code requireHttps}.
         *
         * @param requireHttps the new value
         */
        public void setRequireHttps(@Nullable Boolean requireHttps) {
            this.requireHttps = requireHttps;
        }

        /** {@return what happens to a plain HTTP request when HTTPS is required: redirect or reject (default redirect)} */
        public @Nullable HttpsAction getHttpsAction() {
            return httpsAction;
        }

        /**
         * Sets {@code httpsAction}.
         *
         * @param httpsAction the new value
         */
        public void setHttpsAction(@Nullable HttpsAction httpsAction) {
            this.httpsAction = httpsAction;
        }

        /** {@return the port redirects go to (default 443)} */
        public @Nullable Integer getHttpsPort() {
            return httpsPort;
        }

        /**
         * Sets {@code httpsPort}.
         *
         * @param httpsPort the new value
         */
        public void setHttpsPort(@Nullable Integer httpsPort) {
            this.httpsPort = httpsPort;
        }

        /** {@return whether X-Forwarded-* and Forwarded from trusted proxies are believed (default false)} */
        public @Nullable Boolean getTrustForwardedHeaders() {
            return trustForwardedHeaders;
        }

        /**
         * Sets {@code trustForwardedHeaders}.
         *
         * @param trustForwardedHeaders the new value
         */
        public void setTrustForwardedHeaders(@Nullable Boolean trustForwardedHeaders) {
            this.trustForwardedHeaders = trustForwardedHeaders;
        }

        /** {@return addresses or CIDRs of the proxies believed (default 127.0.0.0/8 and ::1)} */
        public List<String> getTrustedProxies() {
            return trustedProxies;
        }

        /**
         * Sets {@code trustedProxies}.
         *
         * @param trustedProxies the new value
         */
        public void setTrustedProxies(List<String> trustedProxies) {
            this.trustedProxies = trustedProxies;
        }

        /** {@return whether backends get X-Forwarded-For/Proto/Host (default true)} */
        public @Nullable Boolean getForwardedHeadersToBackend() {
            return forwardedHeadersToBackend;
        }

        /**
         * Sets {@code forwardedHeadersToBackend}.
         *
         * @param forwardedHeadersToBackend the new value
         */
        public void setForwardedHeadersToBackend(@Nullable Boolean forwardedHeadersToBackend) {
            this.forwardedHeadersToBackend = forwardedHeadersToBackend;
        }

        /** {@return origins allowed to call, such as https://app.example.com, https://*.example.com or * (default the gateway's own loopback origin only)} */
        public List<String> getAllowedOrigins() {
            return allowedOrigins;
        }

        /**
         * Sets {@code allowedOrigins}.
         *
         * @param allowedOrigins the new value
         */
        public void setAllowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = allowedOrigins;
        }

        /** {@return host header values accepted (default any)} */
        public List<String> getAllowedHosts() {
            return allowedHosts;
        }

        /**
         * Sets {@code allowedHosts}.
         *
         * @param allowedHosts the new value
         */
        public void setAllowedHosts(List<String> allowedHosts) {
            this.allowedHosts = allowedHosts;
        }

        /** {@return the Strict-Transport-Security header on HTTPS answers; empty turns it off} */
        public @Nullable String getHsts() {
            return hsts;
        }

        /**
         * Sets {@code hsts}.
         *
         * @param hsts the new value
         */
        public void setHsts(@Nullable String hsts) {
            this.hsts = hsts;
        }

        /** {@return headers added to every answer, by name; an empty value removes a default one} */
        public Map<String, String> getResponseHeaders() {
            return responseHeaders;
        }

        /**
         * Sets {@code responseHeaders}.
         *
         * @param responseHeaders the new value
         */
        public void setResponseHeaders(Map<String, String> responseHeaders) {
            this.responseHeaders = responseHeaders;
        }

        /** {@return how long browsers may cache a preflight answer (default 10m)} */
        public @Nullable Duration getCorsMaxAge() {
            return corsMaxAge;
        }

        /**
         * Sets {@code corsMaxAge}.
         *
         * @param corsMaxAge the new value
         */
        public void setCorsMaxAge(@Nullable Duration corsMaxAge) {
            this.corsMaxAge = corsMaxAge;
        }

        /** {@return request headers allowed across origins (default MCP's)} */
        public List<String> getCorsAllowedHeaders() {
            return corsAllowedHeaders;
        }

        /**
         * Sets {@code corsAllowedHeaders}.
         *
         * @param corsAllowedHeaders the new value
         */
        public void setCorsAllowedHeaders(List<String> corsAllowedHeaders) {
            this.corsAllowedHeaders = corsAllowedHeaders;
        }

        /** {@return the seed's single API key; its caller is named default. Prefer api-key-file or an environment variable} */
        public @Nullable String getApiKey() {
            return apiKey;
        }

        /**
         * Sets {@code apiKey}.
         *
         * @param apiKey the new value
         */
        public void setApiKey(@Nullable String apiKey) {
            this.apiKey = apiKey;
        }

        /** {@return a file holding the single API key, trimmed (a mounted secret)} */
        public @Nullable String getApiKeyFile() {
            return apiKeyFile;
        }

        /**
         * Sets {@code apiKeyFile}.
         *
         * @param apiKeyFile the new value
         */
        public void setApiKeyFile(@Nullable String apiKeyFile) {
            this.apiKeyFile = apiKeyFile;
        }

        /** {@return named callers, each with its own key} */
        public List<ApiKey> getApiKeys() {
            return apiKeys;
        }

        /**
         * Sets {@code apiKeys}.
         *
         * @param apiKeys the new value
         */
        public void setApiKeys(List<ApiKey> apiKeys) {
            this.apiKeys = apiKeys;
        }

        /** {@return the header carrying the key (default X-API-Key)} */
        public @Nullable String getApiKeyHeader() {
            return apiKeyHeader;
        }

        /**
         * Sets {@code apiKeyHeader}.
         *
         * @param apiKeyHeader the new value
         */
        public void setApiKeyHeader(@Nullable String apiKeyHeader) {
            this.apiKeyHeader = apiKeyHeader;
        }

        /** {@return whether Authorization: Bearer key is accepted too (default false)} */
        public @Nullable Boolean getAcceptBearer() {
            return acceptBearer;
        }

        /**
         * Sets {@code acceptBearer}.
         *
         * @param acceptBearer the new value
         */
        public void setAcceptBearer(@Nullable Boolean acceptBearer) {
            this.acceptBearer = acceptBearer;
        }

        /** {@return the realm of the WWW-Authenticate challenge (default mcp-gateway)} */
        public @Nullable String getApiKeyRealm() {
            return apiKeyRealm;
        }

        /**
         * Sets {@code apiKeyRealm}.
         *
         * @param apiKeyRealm the new value
         */
        public void setApiKeyRealm(@Nullable String apiKeyRealm) {
            this.apiKeyRealm = apiKeyRealm;
        }

        /** {@return per-caller and per-tool rate limits; on once set} */
        public @Nullable RateLimiting getRateLimiting() {
            return rateLimiting;
        }

        /**
         * Sets {@code rateLimiting}.
         *
         * @param rateLimiting the new value
         */
        public void setRateLimiting(@Nullable RateLimiting rateLimiting) {
            this.rateLimiting = rateLimiting;
        }
    }

    /** One named caller and its key (one of key, key-file, key-hash). */
    public static class ApiKey {
        /** Unset: Spring binds the properties into it. */
        public ApiKey() {}

        /** The caller's name, as access policies, rate limits and logs see it (required). */
        private @Nullable String name;

        /** The key in plain text. */
        private @Nullable String key;

        /** A file holding the key, trimmed (a mounted secret). */
        private @Nullable String keyFile;

        /** The SHA-256 hex of the key, so the key itself is stored nowhere. */
        private @Nullable String keyHash;

        /** {@return the caller's name, as access policies, rate limits and logs see it (required)} */
        public @Nullable String getName() {
            return name;
        }

        /**
         * Sets {@code name}.
         *
         * @param name the new value
         */
        public void setName(@Nullable String name) {
            this.name = name;
        }

        /** {@return the key in plain text} */
        public @Nullable String getKey() {
            return key;
        }

        /**
         * Sets {@code key}.
         *
         * @param key the new value
         */
        public void setKey(@Nullable String key) {
            this.key = key;
        }

        /** {@return a file holding the key, trimmed (a mounted secret)} */
        public @Nullable String getKeyFile() {
            return keyFile;
        }

        /**
         * Sets {@code keyFile}.
         *
         * @param keyFile the new value
         */
        public void setKeyFile(@Nullable String keyFile) {
            this.keyFile = keyFile;
        }

        /** {@return the SHA-256 hex of the key, so the key itself is stored nowhere} */
        public @Nullable String getKeyHash() {
            return keyHash;
        }

        /**
         * Sets {@code keyHash}.
         *
         * @param keyHash the new value
         */
        public void setKeyHash(@Nullable String keyHash) {
            this.keyHash = keyHash;
        }
    }

    /** Token-bucket rate limits per caller and per tool. */
    public static class RateLimiting {
        /** Unset: Spring binds the properties into it. */
        public RateLimiting() {}

        /** The buckets in Redis, so every instance enforces one limit */
        private @Nullable Redis redis;

        /** {@return the buckets in Redis, so every instance enforces one limit} */
        public @Nullable Redis getRedis() {
            return redis;
        }

        /**
         * Sets {@code redis}.
         *
         * @param redis the new value
         */
        public void setRedis(@Nullable Redis redis) {
            this.redis = redis;
        }

        /** Whether limits apply (default true once this section is set). */
        private @Nullable Boolean enabled;

        /** Each caller's sustained rate (1 to 1000000, default 100). */
        private @Nullable Integer requestsPerMinute;

        /** Each caller's burst (1 to 1000000, default 20). */
        private @Nullable Integer burstSize;

        /** The most callers tracked at once (100 to 100000000, default 100000). */
        private @Nullable Integer maxCallers;

        /** Limits on single tools, across callers. */
        private List<ToolLimit> tools = new ArrayList<>();

        /** {@return whether limits apply (default true once this section is set)} */
        public @Nullable Boolean getEnabled() {
            return enabled;
        }

        /**
         * Sets {@code enabled}.
         *
         * @param enabled the new value
         */
        public void setEnabled(@Nullable Boolean enabled) {
            this.enabled = enabled;
        }

        /** {@return each caller's sustained rate (1 to 1000000, default 100)} */
        public @Nullable Integer getRequestsPerMinute() {
            return requestsPerMinute;
        }

        /**
         * Sets {@code requestsPerMinute}.
         *
         * @param requestsPerMinute the new value
         */
        public void setRequestsPerMinute(@Nullable Integer requestsPerMinute) {
            this.requestsPerMinute = requestsPerMinute;
        }

        /** {@return each caller's burst (1 to 1000000, default 20)} */
        public @Nullable Integer getBurstSize() {
            return burstSize;
        }

        /**
         * Sets {@code burstSize}.
         *
         * @param burstSize the new value
         */
        public void setBurstSize(@Nullable Integer burstSize) {
            this.burstSize = burstSize;
        }

        /** {@return the most callers tracked at once (100 to 100000000, default 100000)} */
        public @Nullable Integer getMaxCallers() {
            return maxCallers;
        }

        /**
         * Sets {@code maxCallers}.
         *
         * @param maxCallers the new value
         */
        public void setMaxCallers(@Nullable Integer maxCallers) {
            this.maxCallers = maxCallers;
        }

        /** {@return limits on single tools, across callers} */
        public List<ToolLimit> getTools() {
            return tools;
        }

        /**
         * Sets {@code tools}.
         *
         * @param tools the new value
         */
        public void setTools(List<ToolLimit> tools) {
            this.tools = tools;
        }
    }

    /** A limit on one tool. */
    public static class ToolLimit {
        /** Unset: Spring binds the properties into it. */
        public ToolLimit() {}

        /** The tool's name as clients call it (required). */
        private @Nullable String name;

        /** Its sustained rate. */
        private @Nullable Integer requestsPerMinute;

        /** Its burst (default 1). */
        private @Nullable Integer burstSize;

        /** {@return the tool's name as clients call it (required)} */
        public @Nullable String getName() {
            return name;
        }

        /**
         * Sets {@code name}.
         *
         * @param name the new value
         */
        public void setName(@Nullable String name) {
            this.name = name;
        }

        /** {@return its sustained rate} */
        public @Nullable Integer getRequestsPerMinute() {
            return requestsPerMinute;
        }

        /**
         * Sets {@code requestsPerMinute}.
         *
         * @param requestsPerMinute the new value
         */
        public void setRequestsPerMinute(@Nullable Integer requestsPerMinute) {
            this.requestsPerMinute = requestsPerMinute;
        }

        /** {@return its burst (default 1)} */
        public @Nullable Integer getBurstSize() {
            return burstSize;
        }

        /**
         * Sets {@code burstSize}.
         *
         * @param burstSize the new value
         */
        public void setBurstSize(@Nullable Integer burstSize) {
            this.burstSize = burstSize;
        }
    }

    /** Session tokens: the keys that seal them and how long they live. */
    public static class Sessions {
        /** Unset: Spring binds the properties into it. */
        public Sessions() {}

        /** Base64 of 32 bytes each, newest first (openssl rand -base64 32); without keys each process makes a random one and sessions do not survive a restart. */
        private List<String> keys = new ArrayList<>();

        /** A file of keys, one base64 key per line, # comments. */
        private @Nullable String keysFile;

        /** A session's lifetime (at least 1m, default 24h). */
        private @Nullable Duration ttl;

        /** {@return base64 of 32 bytes each, newest first (openssl rand -base64 32); without keys each process makes a random one and sessions do not survive a restart} */
        public List<String> getKeys() {
            return keys;
        }

        /**
         * Sets {@code keys}.
         *
         * @param keys the new value
         */
        public void setKeys(List<String> keys) {
            this.keys = keys;
        }

        /** {@return a file of keys, one base64 key per line, # comments} */
        public @Nullable String getKeysFile() {
            return keysFile;
        }

        /**
         * Sets {@code keysFile}.
         *
         * @param keysFile the new value
         */
        public void setKeysFile(@Nullable String keysFile) {
            this.keysFile = keysFile;
        }

        /** {@return a session's lifetime (at least 1m, default 24h)} */
        public @Nullable Duration getTtl() {
            return ttl;
        }

        /**
         * Sets {@code ttl}.
         *
         * @param ttl the new value
         */
        public void setTtl(@Nullable Duration ttl) {
            this.ttl = ttl;
        }
    }

    /** Timeouts of backend calls, streams and shutdown. */
    public static class Timeouts {
        /** Unset: Spring binds the properties into it. */
        public Timeouts() {}

        /** Connecting to a backend (default 5s). */
        private @Nullable Duration connect;

        /** A backend's response headers (default 120s). */
        private @Nullable Duration response;

        /** A whole request (default 5m). */
        private @Nullable Duration request;

        /** An SSE stream without events (0: none; default 5m). */
        private @Nullable Duration streamIdle;

        /** The interval of SSE comments on idle relayed streams, so a client that left is noticed (0: none; default 2s). */
        private @Nullable Duration streamHeartbeat;

        /** How long an idle backend connection is kept (default 4s). */
        private @Nullable Duration backendKeepAlive;

        /** How long the gateway may finish its exchanges when the application shuts down (default 30s). */
        private @Nullable Duration drain;

        /** {@return connecting to a backend (default 5s)} */
        public @Nullable Duration getConnect() {
            return connect;
        }

        /**
         * Sets {@code connect}.
         *
         * @param connect the new value
         */
        public void setConnect(@Nullable Duration connect) {
            this.connect = connect;
        }

        /** {@return a backend's response headers (default 120s)} */
        public @Nullable Duration getResponse() {
            return response;
        }

        /**
         * Sets {@code response}.
         *
         * @param response the new value
         */
        public void setResponse(@Nullable Duration response) {
            this.response = response;
        }

        /** {@return a whole request (default 5m)} */
        public @Nullable Duration getRequest() {
            return request;
        }

        /**
         * Sets {@code request}.
         *
         * @param request the new value
         */
        public void setRequest(@Nullable Duration request) {
            this.request = request;
        }

        /** {@return an SSE stream without events (0: none; default 5m)} */
        public @Nullable Duration getStreamIdle() {
            return streamIdle;
        }

        /**
         * Sets {@code streamIdle}.
         *
         * @param streamIdle the new value
         */
        public void setStreamIdle(@Nullable Duration streamIdle) {
            this.streamIdle = streamIdle;
        }

        /** {@return the interval of SSE comments on idle relayed streams, so a client that left is noticed (0: none; default 2s)} */
        public @Nullable Duration getStreamHeartbeat() {
            return streamHeartbeat;
        }

        /**
         * Sets {@code streamHeartbeat}.
         *
         * @param streamHeartbeat the new value
         */
        public void setStreamHeartbeat(@Nullable Duration streamHeartbeat) {
            this.streamHeartbeat = streamHeartbeat;
        }

        /** {@return how long an idle backend connection is kept (default 4s)} */
        public @Nullable Duration getBackendKeepAlive() {
            return backendKeepAlive;
        }

        /**
         * Sets {@code backendKeepAlive}.
         *
         * @param backendKeepAlive the new value
         */
        public void setBackendKeepAlive(@Nullable Duration backendKeepAlive) {
            this.backendKeepAlive = backendKeepAlive;
        }

        /** {@return how long the gateway may finish its exchanges when the application shuts down (default 30s)} */
        public @Nullable Duration getDrain() {
            return drain;
        }

        /**
         * Sets {@code drain}.
         *
         * @param drain the new value
         */
        public void setDrain(@Nullable Duration drain) {
            this.drain = drain;
        }
    }

    /** Limits on what clients send. */
    public static class Limits {
        /** Unset: Spring binds the properties into it. */
        public Limits() {}

        /** The largest request body (1KB to 1GB, default 4MB). */
        private @Nullable DataSize maxRequestBodyBytes;

        /** The deepest nesting of a request's JSON (2 to 1000, default 64). */
        private @Nullable Integer maxJsonDepth;

        /** The longest JSON string in a request (0: no limit, else 64 to 1073741824; default 0). */
        private @Nullable Integer maxJsonStringLength;

        /** {@return the largest request body (1KB to 1GB, default 4MB)} */
        public @Nullable DataSize getMaxRequestBodyBytes() {
            return maxRequestBodyBytes;
        }

        /**
         * Sets {@code maxRequestBodyBytes}.
         *
         * @param maxRequestBodyBytes the new value
         */
        public void setMaxRequestBodyBytes(@Nullable DataSize maxRequestBodyBytes) {
            this.maxRequestBodyBytes = maxRequestBodyBytes;
        }

        /** {@return the deepest nesting of a request's JSON (2 to 1000, default 64)} */
        public @Nullable Integer getMaxJsonDepth() {
            return maxJsonDepth;
        }

        /**
         * Sets {@code maxJsonDepth}.
         *
         * @param maxJsonDepth the new value
         */
        public void setMaxJsonDepth(@Nullable Integer maxJsonDepth) {
            this.maxJsonDepth = maxJsonDepth;
        }

        /** {@return the longest JSON string in a request (0: no limit, else 64 to 1073741824; default 0)} */
        public @Nullable Integer getMaxJsonStringLength() {
            return maxJsonStringLength;
        }

        /**
         * Sets {@code maxJsonStringLength}.
         *
         * @param maxJsonStringLength the new value
         */
        public void setMaxJsonStringLength(@Nullable Integer maxJsonStringLength) {
            this.maxJsonStringLength = maxJsonStringLength;
        }
    }

    /** The gateway's own health JSON and certificate warnings. */
    public static class Health {
        /** Unset: Spring binds the properties into it. */
        public Health() {}

        /** A path (under the context path) that serves the gateway's own health JSON; unset: none, as Actuator's health endpoint reports the gateway. */
        private @Nullable String path;

        /** The service name in the health JSON (default MCP Gateway). */
        private @Nullable String serviceName;

        /** How long before a certificate's expiry health reports warn (default 30d). */
        private @Nullable Duration certificateExpiryWarning;

        /** {@return a path (under the context path) that serves the gateway's own health JSON; unset: none, as Actuator's health endpoint reports the gateway} */
        public @Nullable String getPath() {
            return path;
        }

        /**
         * Sets {@code path}.
         *
         * @param path the new value
         */
        public void setPath(@Nullable String path) {
            this.path = path;
        }

        /** {@return the service name in the health JSON (default MCP Gateway)} */
        public @Nullable String getServiceName() {
            return serviceName;
        }

        /**
         * Sets {@code serviceName}.
         *
         * @param serviceName the new value
         */
        public void setServiceName(@Nullable String serviceName) {
            this.serviceName = serviceName;
        }

        /** {@return how long before a certificate's expiry health reports warn (default 30d)} */
        public @Nullable Duration getCertificateExpiryWarning() {
            return certificateExpiryWarning;
        }

        /**
         * Sets {@code certificateExpiryWarning}.
         *
         * @param certificateExpiryWarning the new value
         */
        public void setCertificateExpiryWarning(@Nullable Duration certificateExpiryWarning) {
            this.certificateExpiryWarning = certificateExpiryWarning;
        }
    }

    /** How a backend is picked for a new session. */
    public enum Strategy {
        /** Each backend in turn, by weight. */
        ROUND_ROBIN,
        /** The backend with the fewest requests in flight. */
        LEAST_CONNECTIONS,
        /** The backend with the lowest peak-EWMA latency times load (the default). */
        PEAK_EWMA,
        /** The same tool to the same replica (one pool), or routing by tool across a federation's servers. */
        TOOL_BASED,
        /** A consistent hash of {@code hash-key}, with bounded load. */
        CONSISTENT_HASH
    }

    /** What an active health check sends. */
    public enum HealthCheckMode {
        /** GET of the backend's {@code health-check-path}. */
        HTTP,
        /** An MCP {@code ping}. */
        MCP_PING,
        /** An MCP {@code tools/list}. */
        MCP_TOOLS_LIST
    }

    /** What happens to a plain HTTP request when HTTPS is required. */
    public enum HttpsAction {
        /** A redirect to the HTTPS port. */
        REDIRECT,
        /** A refusal with a JSON-RPC error body. */
        REJECT
    }

    /** Bearer access tokens checked as an OAuth 2.1 resource server (Gateway:Security:OAuth). */
    public static class OAuth {
        /** Unset: Spring binds the properties into it. */
        public OAuth() {}

        /** The MCP endpoint's URL as clients address it; tokens must name it in aud (required) */
        private @Nullable String resource;
        /** The authorization server's issuer URL (required) */
        private @Nullable String issuer;
        /** The JWKS URL (default from the issuer's metadata) */
        private @Nullable String jwksUri;
        /** Other audiences a token may name instead of the resource */
        private List<String> audiences = new ArrayList<>();
        /** Scopes every token must grant (403 insufficient_scope without them) */
        private List<String> requiredScopes = new ArrayList<>();
        /** Scopes the metadata lists (default the required ones) */
        private List<String> scopesSupported = new ArrayList<>();
        /** Signature algorithms accepted (default RS, PS and ES 256 to 512; never none or HMAC) */
        private List<String> algorithms = new ArrayList<>();
        /** How far clocks may differ when exp and nbf are read (0 to 5m, default 60s) */
        private @Nullable Duration clockSkew;
        /** The least time between JWKS fetches for unknown key ids (1s to 1h, default 30s) */
        private @Nullable Duration jwksRefreshInterval;
        /** How old the held JWKS may get before a background refresh (1m to 1d, default 10m) */
        private @Nullable Duration jwksMaxAge;
        /** The limit on each exchange with the authorization server (default 5s) */
        private @Nullable Duration timeout;
        /** The claim naming the caller (default sub) */
        private @Nullable String identityClaim;
        /** The resource_name of the metadata */
        private @Nullable String resourceName;
        /** How long a token's verdict is kept (0 off, or 1s to 1h; default 60s) */
        private @Nullable Duration cacheFor;
        /** The most verdicts kept (100 to 10000000, default 10000) */
        private @Nullable Integer cacheSize;
        /** Opaque tokens, checked by the issuer's introspection endpoint, instead of JWTs */
        private @Nullable Introspection introspection;

        /** {@return the MCP endpoint's URL as clients address it; tokens must name it in aud (required)} */
        public @Nullable String getResource() {
            return resource;
        }

        /**
         * Sets {@code resource}.
         *
         * @param resource the new value
         */
        public void setResource(@Nullable String resource) {
            this.resource = resource;
        }

        /** {@return the authorization server's issuer URL (required)} */
        public @Nullable String getIssuer() {
            return issuer;
        }

        /**
         * Sets {@code issuer}.
         *
         * @param issuer the new value
         */
        public void setIssuer(@Nullable String issuer) {
            this.issuer = issuer;
        }

        /** {@return the JWKS URL (default from the issuer's metadata)} */
        public @Nullable String getJwksUri() {
            return jwksUri;
        }

        /**
         * Sets {@code jwksUri}.
         *
         * @param jwksUri the new value
         */
        public void setJwksUri(@Nullable String jwksUri) {
            this.jwksUri = jwksUri;
        }

        /** {@return other audiences a token may name instead of the resource} */
        public List<String> getAudiences() {
            return audiences;
        }

        /**
         * Sets {@code audiences}.
         *
         * @param audiences the new value
         */
        public void setAudiences(List<String> audiences) {
            this.audiences = audiences;
        }

        /** {@return scopes every token must grant (403 insufficient_scope without them)} */
        public List<String> getRequiredScopes() {
            return requiredScopes;
        }

        /**
         * Sets {@code requiredScopes}.
         *
         * @param requiredScopes the new value
         */
        public void setRequiredScopes(List<String> requiredScopes) {
            this.requiredScopes = requiredScopes;
        }

        /** {@return scopes the metadata lists (default the required ones)} */
        public List<String> getScopesSupported() {
            return scopesSupported;
        }

        /**
         * Sets {@code scopesSupported}.
         *
         * @param scopesSupported the new value
         */
        public void setScopesSupported(List<String> scopesSupported) {
            this.scopesSupported = scopesSupported;
        }

        /** {@return signature algorithms accepted (default RS, PS and ES 256 to 512; never none or HMAC)} */
        public List<String> getAlgorithms() {
            return algorithms;
        }

        /**
         * Sets {@code algorithms}.
         *
         * @param algorithms the new value
         */
        public void setAlgorithms(List<String> algorithms) {
            this.algorithms = algorithms;
        }

        /** {@return how far clocks may differ when exp and nbf are read (0 to 5m, default 60s)} */
        public @Nullable Duration getClockSkew() {
            return clockSkew;
        }

        /**
         * Sets {@code clockSkew}.
         *
         * @param clockSkew the new value
         */
        public void setClockSkew(@Nullable Duration clockSkew) {
            this.clockSkew = clockSkew;
        }

        /** {@return the least time between JWKS fetches for unknown key ids (1s to 1h, default 30s)} */
        public @Nullable Duration getJwksRefreshInterval() {
            return jwksRefreshInterval;
        }

        /**
         * Sets {@code jwksRefreshInterval}.
         *
         * @param jwksRefreshInterval the new value
         */
        public void setJwksRefreshInterval(@Nullable Duration jwksRefreshInterval) {
            this.jwksRefreshInterval = jwksRefreshInterval;
        }

        /** {@return how old the held JWKS may get before a background refresh (1m to 1d, default 10m)} */
        public @Nullable Duration getJwksMaxAge() {
            return jwksMaxAge;
        }

        /**
         * Sets {@code jwksMaxAge}.
         *
         * @param jwksMaxAge the new value
         */
        public void setJwksMaxAge(@Nullable Duration jwksMaxAge) {
            this.jwksMaxAge = jwksMaxAge;
        }

        /** {@return the limit on each exchange with the authorization server (default 5s)} */
        public @Nullable Duration getTimeout() {
            return timeout;
        }

        /**
         * Sets {@code timeout}.
         *
         * @param timeout the new value
         */
        public void setTimeout(@Nullable Duration timeout) {
            this.timeout = timeout;
        }

        /** {@return the claim naming the caller (default sub)} */
        public @Nullable String getIdentityClaim() {
            return identityClaim;
        }

        /**
         * Sets {@code identityClaim}.
         *
         * @param identityClaim the new value
         */
        public void setIdentityClaim(@Nullable String identityClaim) {
            this.identityClaim = identityClaim;
        }

        /** {@return the resource_name of the metadata} */
        public @Nullable String getResourceName() {
            return resourceName;
        }

        /**
         * Sets {@code resourceName}.
         *
         * @param resourceName the new value
         */
        public void setResourceName(@Nullable String resourceName) {
            this.resourceName = resourceName;
        }

        /** {@return how long a token's verdict is kept (0 off, or 1s to 1h; default 60s)} */
        public @Nullable Duration getCacheFor() {
            return cacheFor;
        }

        /**
         * Sets {@code cacheFor}.
         *
         * @param cacheFor the new value
         */
        public void setCacheFor(@Nullable Duration cacheFor) {
            this.cacheFor = cacheFor;
        }

        /** {@return the most verdicts kept (100 to 10000000, default 10000)} */
        public @Nullable Integer getCacheSize() {
            return cacheSize;
        }

        /**
         * Sets {@code cacheSize}.
         *
         * @param cacheSize the new value
         */
        public void setCacheSize(@Nullable Integer cacheSize) {
            this.cacheSize = cacheSize;
        }

        /** {@return opaque tokens, checked by the issuer's introspection endpoint, instead of JWTs} */
        public @Nullable Introspection getIntrospection() {
            return introspection;
        }

        /**
         * Sets {@code introspection}.
         *
         * @param introspection the new value
         */
        public void setIntrospection(@Nullable Introspection introspection) {
            this.introspection = introspection;
        }
    }

    /** RFC 7662 introspection of opaque tokens (Gateway:Security:OAuth:Introspection). */
    public static class Introspection {
        /** Unset: Spring binds the properties into it. */
        public Introspection() {}

        /** The gateway's client id at the authorization server */
        private @Nullable String clientId;
        /** Its secret; prefer client-secret-file or an environment variable */
        private @Nullable String clientSecret;
        /** A file holding the secret, trimmed (a mounted secret) */
        private @Nullable String clientSecretFile;
        /** The introspection endpoint (default from the issuer's metadata) */
        private @Nullable String uri;

        /** {@return the gateway's client id at the authorization server} */
        public @Nullable String getClientId() {
            return clientId;
        }

        /**
         * Sets {@code clientId}.
         *
         * @param clientId the new value
         */
        public void setClientId(@Nullable String clientId) {
            this.clientId = clientId;
        }

        /** {@return its secret; prefer client-secret-file or an environment variable} */
        public @Nullable String getClientSecret() {
            return clientSecret;
        }

        /**
         * Sets {@code clientSecret}.
         *
         * @param clientSecret the new value
         */
        public void setClientSecret(@Nullable String clientSecret) {
            this.clientSecret = clientSecret;
        }

        /** {@return a file holding the secret, trimmed (a mounted secret)} */
        public @Nullable String getClientSecretFile() {
            return clientSecretFile;
        }

        /**
         * Sets {@code clientSecretFile}.
         *
         * @param clientSecretFile the new value
         */
        public void setClientSecretFile(@Nullable String clientSecretFile) {
            this.clientSecretFile = clientSecretFile;
        }

        /** {@return the introspection endpoint (default from the issuer's metadata)} */
        public @Nullable String getUri() {
            return uri;
        }

        /**
         * Sets {@code uri}.
         *
         * @param uri the new value
         */
        public void setUri(@Nullable String uri) {
            this.uri = uri;
        }
    }

    /** The gateway's own token for a backend by the client-credentials grant (BackendServers[]:ClientCredentials). */
    public static class ClientCredentials {
        /** Unset: Spring binds the properties into it. */
        public ClientCredentials() {}

        /** The authorization server's issuer URL (required) */
        private @Nullable String issuer;
        /** The token endpoint (default from the issuer's metadata) */
        private @Nullable String tokenUri;
        /** The gateway's client id (required) */
        private @Nullable String clientId;
        /** Its secret; prefer client-secret-file or an environment variable */
        private @Nullable String clientSecret;
        /** A file holding the secret, trimmed (a mounted secret) */
        private @Nullable String clientSecretFile;
        /** The scopes asked for */
        private List<String> scopes = new ArrayList<>();
        /** The backend's resource URI, sent as RFC 8707 resource (the token's audience) */
        private @Nullable String resource;
        /** The limit on each exchange with the token endpoint (default 5s) */
        private @Nullable Duration timeout;

        /** {@return the authorization server's issuer URL (required)} */
        public @Nullable String getIssuer() {
            return issuer;
        }

        /**
         * Sets {@code issuer}.
         *
         * @param issuer the new value
         */
        public void setIssuer(@Nullable String issuer) {
            this.issuer = issuer;
        }

        /** {@return the token endpoint (default from the issuer's metadata)} */
        public @Nullable String getTokenUri() {
            return tokenUri;
        }

        /**
         * Sets {@code tokenUri}.
         *
         * @param tokenUri the new value
         */
        public void setTokenUri(@Nullable String tokenUri) {
            this.tokenUri = tokenUri;
        }

        /** {@return the gateway's client id (required)} */
        public @Nullable String getClientId() {
            return clientId;
        }

        /**
         * Sets {@code clientId}.
         *
         * @param clientId the new value
         */
        public void setClientId(@Nullable String clientId) {
            this.clientId = clientId;
        }

        /** {@return its secret; prefer client-secret-file or an environment variable} */
        public @Nullable String getClientSecret() {
            return clientSecret;
        }

        /**
         * Sets {@code clientSecret}.
         *
         * @param clientSecret the new value
         */
        public void setClientSecret(@Nullable String clientSecret) {
            this.clientSecret = clientSecret;
        }

        /** {@return a file holding the secret, trimmed (a mounted secret)} */
        public @Nullable String getClientSecretFile() {
            return clientSecretFile;
        }

        /**
         * Sets {@code clientSecretFile}.
         *
         * @param clientSecretFile the new value
         */
        public void setClientSecretFile(@Nullable String clientSecretFile) {
            this.clientSecretFile = clientSecretFile;
        }

        /** {@return the scopes asked for} */
        public List<String> getScopes() {
            return scopes;
        }

        /**
         * Sets {@code scopes}.
         *
         * @param scopes the new value
         */
        public void setScopes(List<String> scopes) {
            this.scopes = scopes;
        }

        /** {@return the backend's resource URI, sent as RFC 8707 resource (the token's audience)} */
        public @Nullable String getResource() {
            return resource;
        }

        /**
         * Sets {@code resource}.
         *
         * @param resource the new value
         */
        public void setResource(@Nullable String resource) {
            this.resource = resource;
        }

        /** {@return the limit on each exchange with the token endpoint (default 5s)} */
        public @Nullable Duration getTimeout() {
            return timeout;
        }

        /**
         * Sets {@code timeout}.
         *
         * @param timeout the new value
         */
        public void setTimeout(@Nullable Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** Rate-limit buckets in Redis, shared by every instance (Gateway:Security:RateLimiting:Redis). */
    public static class Redis {
        /** Unset: Spring binds the properties into it. */
        public Redis() {}

        /** redis://host:port[/db], or rediss:// for TLS (required) */
        private @Nullable String url;
        /** The Redis ACL user (default none: default) */
        private @Nullable String user;
        /** The Redis password; prefer password-file or an environment variable */
        private @Nullable String password;
        /** A file holding the password, trimmed (a mounted secret) */
        private @Nullable String passwordFile;
        /** The prefix of every key (default mcp-gateway:rl:) */
        private @Nullable String keyPrefix;
        /** The longest a decision waits for Redis (1ms to 5s, default 20ms) */
        private @Nullable Duration timeout;
        /** How long a failed Redis is left alone before the next try (default 1s) */
        private @Nullable Duration retryInterval;
        /** The most connections to Redis (1 to 10000, default 64) */
        private @Nullable Integer maxConnections;
        /** What decides while Redis cannot be asked: local buckets or refusal (default fail-open) */
        private @Nullable FailurePolicy failurePolicy;
        /** The trust store for rediss:// (default the JVM's roots) */
        private @Nullable KeyStoreFile trustStore;

        /** {@return redis://host:port[/db], or rediss:// for TLS (required)} */
        public @Nullable String getUrl() {
            return url;
        }

        /**
         * Sets {@code url}.
         *
         * @param url the new value
         */
        public void setUrl(@Nullable String url) {
            this.url = url;
        }

        /** {@return the Redis ACL user (default none: default)} */
        public @Nullable String getUser() {
            return user;
        }

        /**
         * Sets {@code user}.
         *
         * @param user the new value
         */
        public void setUser(@Nullable String user) {
            this.user = user;
        }

        /** {@return the Redis password; prefer password-file or an environment variable} */
        public @Nullable String getPassword() {
            return password;
        }

        /**
         * Sets {@code password}.
         *
         * @param password the new value
         */
        public void setPassword(@Nullable String password) {
            this.password = password;
        }

        /** {@return a file holding the password, trimmed (a mounted secret)} */
        public @Nullable String getPasswordFile() {
            return passwordFile;
        }

        /**
         * Sets {@code passwordFile}.
         *
         * @param passwordFile the new value
         */
        public void setPasswordFile(@Nullable String passwordFile) {
            this.passwordFile = passwordFile;
        }

        /** {@return the prefix of every key (default mcp-gateway:rl:)} */
        public @Nullable String getKeyPrefix() {
            return keyPrefix;
        }

        /**
         * Sets {@code keyPrefix}.
         *
         * @param keyPrefix the new value
         */
        public void setKeyPrefix(@Nullable String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        /** {@return the longest a decision waits for Redis (1ms to 5s, default 20ms)} */
        public @Nullable Duration getTimeout() {
            return timeout;
        }

        /**
         * Sets {@code timeout}.
         *
         * @param timeout the new value
         */
        public void setTimeout(@Nullable Duration timeout) {
            this.timeout = timeout;
        }

        /** {@return how long a failed Redis is left alone before the next try (default 1s)} */
        public @Nullable Duration getRetryInterval() {
            return retryInterval;
        }

        /**
         * Sets {@code retryInterval}.
         *
         * @param retryInterval the new value
         */
        public void setRetryInterval(@Nullable Duration retryInterval) {
            this.retryInterval = retryInterval;
        }

        /** {@return the most connections to Redis (1 to 10000, default 64)} */
        public @Nullable Integer getMaxConnections() {
            return maxConnections;
        }

        /**
         * Sets {@code maxConnections}.
         *
         * @param maxConnections the new value
         */
        public void setMaxConnections(@Nullable Integer maxConnections) {
            this.maxConnections = maxConnections;
        }

        /** {@return what decides while Redis cannot be asked: local buckets or refusal (default fail-open)} */
        public @Nullable FailurePolicy getFailurePolicy() {
            return failurePolicy;
        }

        /**
         * Sets {@code failurePolicy}.
         *
         * @param failurePolicy the new value
         */
        public void setFailurePolicy(@Nullable FailurePolicy failurePolicy) {
            this.failurePolicy = failurePolicy;
        }

        /** {@return the trust store for rediss:// (default the JVM's roots)} */
        public @Nullable KeyStoreFile getTrustStore() {
            return trustStore;
        }

        /**
         * Sets {@code trustStore}.
         *
         * @param trustStore the new value
         */
        public void setTrustStore(@Nullable KeyStoreFile trustStore) {
            this.trustStore = trustStore;
        }
    }

    /** What decides while Redis cannot be asked. */
    public enum FailurePolicy {
        /** This instance's own buckets of the same limits. */
        FAIL_OPEN,
        /** Refusal: 429 with Retry-After 1. */
        FAIL_CLOSED
    }
}
