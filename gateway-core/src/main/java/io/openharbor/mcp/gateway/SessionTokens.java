package io.openharbor.mcp.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Stateless session tokens: the session id the gateway hands a client in place of the backend's own.
 *
 * <pre>
 * token = base64url( version(1) ‖ keyId(4) ‖ nonce(12) ‖ AES-256-GCM(plaintext) ‖ tag(16) )
 * plaintext = issuedAtSeconds(8) ‖ str(pool) ‖ str(backend) ‖ str(upstreamSessionId) ‖ callerHash(16)
 * str(s) = length(2, big-endian) ‖ UTF-8 bytes
 * </pre>
 *
 * <p>The version byte and key id are authenticated as associated data. The key id is the first four bytes of the
 * SHA-256 of the key, so a token names the key that sealed it and any instance holding that key opens it: the first
 * key encrypts, all keys decrypt (rotation). Nonces are 96 random bits per token; NIST SP 800-38D bounds random-nonce
 * use to 2^32 tokens per key, which is why keys should be rotated. The token is visible ASCII (base64url, no padding),
 * as the MCP transport requires of a session id.
 */
final class SessionTokens {

    static final int KEY_BYTES = 32;
    private static final byte VERSION = 1;
    private static final byte EVENT_ID_VERSION = 2;
    private static final byte SERVER_REQUEST_ID_VERSION = 3;
    private static final byte FEDERATED_VERSION = 4;
    private static final byte STREAM_POSITION_VERSION = 5;
    /** Most servers one federated token can name. */
    static final int MAX_PARTS = 255;

    private static final int HEADER = 1 + 4;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final int CALLER_HASH = 16;
    /** Tolerated clock skew between gateway instances for the issue time. */
    private static final long MAX_FUTURE_SKEW_SECONDS = 300;

    /** Why a token was refused; every reason answers 404 to the client. */
    enum Failure {
        MALFORMED,
        UNKNOWN_KEY,
        TAMPERED,
        EXPIRED,
        FROM_THE_FUTURE,
        OTHER_CALLER
    }

    static final class InvalidTokenException extends Exception {
        private static final long serialVersionUID = 1L;

        final Failure failure;

        InvalidTokenException(Failure failure) {
            super(failure.name(), null, false, false);
            this.failure = failure;
        }
    }

    /** The content of a token. */
    static final class Session {
        final String pool;
        final String backend;
        final String upstreamSessionId;
        final long issuedAtSeconds;

        Session(String pool, String backend, String upstreamSessionId, long issuedAtSeconds) {
            this.pool = pool;
            this.backend = backend;
            this.upstreamSessionId = upstreamSessionId;
            this.issuedAtSeconds = issuedAtSeconds;
        }
    }

    /**
     * One server's part of a federated session: the replica that holds the server's session and that session's id
     * (both empty for a server that opened none), and the protocol version the server agreed to.
     */
    record Part(String server, String backend, String upstreamSessionId, String protocolVersion) {}

    private final SecretKey[] keys;
    private final int[] keyIds;
    private final Clock clock;
    private final long ttlSeconds;
    private final SecureRandom random;

    SessionTokens(List<byte[]> keyBytes, Clock clock, Duration ttl, SecureRandom random) {
        if (keyBytes.isEmpty()) {
            throw new IllegalArgumentException("at least one session key is needed");
        }
        this.keys = new SecretKey[keyBytes.size()];
        this.keyIds = new int[keyBytes.size()];
        for (int i = 0; i < keyBytes.size(); i++) {
            byte[] k = keyBytes.get(i);
            if (k.length != KEY_BYTES) {
                throw new IllegalArgumentException(
                        "session key " + i + " must be 32 bytes (AES-256), was " + k.length + " bytes");
            }
            keys[i] = new SecretKeySpec(k.clone(), "AES");
            keyIds[i] = ByteBuffer.wrap(sha256(k)).getInt();
        }
        this.clock = clock;
        this.ttlSeconds = ttl.toSeconds();
        this.random = random;
    }

    static byte[] randomKey(SecureRandom random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return key;
    }

    /** Seals a session for {@code caller} (empty string for anonymous callers). */
    String encode(String pool, String backend, String upstreamSessionId, String caller) {
        byte[] p = pool.getBytes(StandardCharsets.UTF_8);
        byte[] b = backend.getBytes(StandardCharsets.UTF_8);
        byte[] u = upstreamSessionId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer plain = ByteBuffer.allocate(8 + 6 + p.length + b.length + u.length + CALLER_HASH);
        plain.putLong(clock.instant().getEpochSecond());
        putString(plain, p);
        putString(plain, b);
        putString(plain, u);
        plain.put(callerHash(caller));

        return seal(VERSION, plain.array());
    }

    /**
     * Seals an SSE event id for the client: {@code base64url(2 ‖ keyId ‖ nonce ‖ AES-256-GCM(str(tag) ‖ id) ‖ tag)},
     * where {@code tag} names the backend that owns the stream. The client sees neither the backend nor its event id
     * (which may embed its session id); any gateway instance with the key opens it for a {@code Last-Event-ID}.
     */
    String sealEventId(String backendTag, byte[] id, int off, int len) {
        return sealTagged(EVENT_ID_VERSION, backendTag, id, off, len);
    }

    /** The backend tag and the backend's own event id of a sealed event id, or null when it is not one of ours. */
    String @Nullable [] openEventId(String sealed) {
        return openTagged(EVENT_ID_VERSION, sealed);
    }

    /**
     * Seals the id of a request a federated server sends the client (sampling, elicitation, roots, ping), so that two
     * servers' ids never meet and the client's answer, POSTed to any gateway instance, finds its server (federation;
     * nothing sends these yet). The JSON text of the id is kept as it was, so {@code 0} and {@code "0"} come back as
     * the types they were.
     *
     * @param serverId the server that sent the request
     * @param idJson the request's {@code id} as JSON text: a number or a quoted string
     * @return the id the client gets, a URL-safe string
     */
    String sealServerRequestId(String serverId, String idJson) {
        byte[] id = idJson.getBytes(StandardCharsets.UTF_8);
        return sealTagged(SERVER_REQUEST_ID_VERSION, serverId, id, 0, id.length);
    }

    /**
     * The server and the original id (JSON text) of an id {@link #sealServerRequestId} made, or null when it is not
     * one: forged, tampered with, sealed with a key no longer configured, or another kind of sealed value.
     *
     * @param sealed the id of the client's answer
     * @return {@code {serverId, idJson}}, or null
     */
    String @Nullable [] openServerRequestId(String sealed) {
        return openTagged(SERVER_REQUEST_ID_VERSION, sealed);
    }

    private String sealTagged(byte version, String tag, byte[] id, int off, int len) {
        byte[] t = tag.getBytes(StandardCharsets.UTF_8);
        ByteBuffer plain = ByteBuffer.allocate(2 + t.length + len);
        putString(plain, t);
        plain.put(id, off, len);
        return seal(version, plain.array());
    }

    private String @Nullable [] openTagged(byte version, String sealed) {
        try {
            ByteBuffer in = ByteBuffer.wrap(open(sealed, version, 2));
            String tag = getString(in);
            return new String[] {tag, new String(in.array(), in.position(), in.remaining(), StandardCharsets.UTF_8)};
        } catch (InvalidTokenException | java.nio.BufferUnderflowException e) {
            return null;
        }
    }

    /** {@code base64url(version ‖ keyId ‖ nonce ‖ AES-256-GCM(plain) ‖ tag)} with the first key; header as AAD. */
    private String seal(byte version, byte[] plain) {
        byte[] out = new byte[HEADER + NONCE + plain.length + TAG_BITS / 8];
        out[0] = version;
        ByteBuffer.wrap(out, 1, 4).putInt(keyIds[0]);
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, HEADER, NONCE);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys[0], new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(out, 0, HEADER);
            cipher.doFinal(plain, 0, plain.length, out, HEADER + NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /** The plaintext of something {@link #seal} made with {@code version}, at least {@code minPlain} bytes long. */
    private byte[] open(String sealed, byte version, int minPlain) throws InvalidTokenException {
        if (sealed.length() > 4096) {
            throw new InvalidTokenException(Failure.MALFORMED);
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(Failure.MALFORMED);
        }
        if (raw.length < HEADER + NONCE + TAG_BITS / 8 + minPlain || raw[0] != version) {
            throw new InvalidTokenException(Failure.MALFORMED);
        }
        int keyId = ByteBuffer.wrap(raw, 1, 4).getInt();
        SecretKey key = null;
        for (int i = 0; i < keyIds.length; i++) {
            if (keyIds[i] == keyId) {
                key = keys[i];
                break;
            }
        }
        if (key == null) {
            throw new InvalidTokenException(Failure.UNKNOWN_KEY);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, HEADER, NONCE));
            cipher.updateAAD(raw, 0, HEADER);
            return cipher.doFinal(raw, HEADER + NONCE, raw.length - HEADER - NONCE);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new InvalidTokenException(Failure.TAMPERED);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** Opens a token and checks its age and caller. */
    Session decode(String token, String caller) throws InvalidTokenException {
        byte[] plain = open(token, VERSION, 8 + 6 + CALLER_HASH);
        ByteBuffer in = ByteBuffer.wrap(plain);
        try {
            long issuedAt = in.getLong();
            String pool = getString(in);
            String backend = getString(in);
            String upstream = getString(in);
            byte[] hash = new byte[CALLER_HASH];
            in.get(hash);
            if (in.hasRemaining()) {
                throw new InvalidTokenException(Failure.MALFORMED);
            }
            checkAgeAndCaller(issuedAt, hash, caller);
            return new Session(pool, backend, upstream, issuedAt);
        } catch (java.nio.BufferUnderflowException e) {
            throw new InvalidTokenException(Failure.MALFORMED);
        }
    }

    /**
     * Seals a federated session: one part per server of the caller's view that initialized.
     *
     * <pre>
     * plaintext = issuedAtSeconds(8) ‖ callerHash(16) ‖ count(1) ‖ count × (str(server) ‖ str(backend) ‖
     *             str(upstreamSessionId) ‖ str(protocolVersion))
     * </pre>
     */
    String encodeFederated(List<Part> parts, String caller) {
        if (parts.size() > MAX_PARTS) {
            throw new IllegalArgumentException("a federated session names at most " + MAX_PARTS + " servers");
        }
        byte[][] fields = new byte[parts.size() * 4][];
        int size = 8 + CALLER_HASH + 1;
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            fields[i * 4] = part.server().getBytes(StandardCharsets.UTF_8);
            fields[i * 4 + 1] = part.backend().getBytes(StandardCharsets.UTF_8);
            fields[i * 4 + 2] = part.upstreamSessionId().getBytes(StandardCharsets.UTF_8);
            fields[i * 4 + 3] = part.protocolVersion().getBytes(StandardCharsets.UTF_8);
        }
        for (byte[] f : fields) {
            size += 2 + f.length;
        }
        ByteBuffer plain = ByteBuffer.allocate(size);
        plain.putLong(clock.instant().getEpochSecond());
        plain.put(callerHash(caller));
        plain.put((byte) parts.size());
        for (byte[] f : fields) {
            putString(plain, f);
        }
        return seal(FEDERATED_VERSION, plain.array());
    }

    /** Opens a federated token and checks its age and caller, as {@link #decode} does. */
    List<Part> decodeFederated(String token, String caller) throws InvalidTokenException {
        byte[] plain = open(token, FEDERATED_VERSION, 8 + CALLER_HASH + 1);
        ByteBuffer in = ByteBuffer.wrap(plain);
        try {
            long issuedAt = in.getLong();
            byte[] hash = new byte[CALLER_HASH];
            in.get(hash);
            int count = Byte.toUnsignedInt(in.get());
            List<Part> parts = new java.util.ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                parts.add(new Part(getString(in), getString(in), getString(in), getString(in)));
            }
            if (in.hasRemaining()) {
                throw new InvalidTokenException(Failure.MALFORMED);
            }
            checkAgeAndCaller(issuedAt, hash, caller);
            return parts;
        } catch (java.nio.BufferUnderflowException e) {
            throw new InvalidTokenException(Failure.MALFORMED);
        }
    }

    /**
     * Seals the position of a federated GET stream: for each server whose stream has sent an event, the id of its
     * latest event (as the relay sealed it). A {@code Last-Event-ID} with it resumes every part where it was.
     *
     * @param positions server id and sealed event id pairs
     */
    String sealStreamPosition(List<String[]> positions) {
        byte[][] fields = new byte[positions.size() * 2][];
        int size = 1;
        for (int i = 0; i < positions.size(); i++) {
            fields[i * 2] = positions.get(i)[0].getBytes(StandardCharsets.UTF_8);
            fields[i * 2 + 1] = positions.get(i)[1].getBytes(StandardCharsets.UTF_8);
            size += 4 + fields[i * 2].length + fields[i * 2 + 1].length;
        }
        ByteBuffer plain = ByteBuffer.allocate(size);
        plain.put((byte) positions.size());
        for (byte[] f : fields) {
            putString(plain, f);
        }
        return seal(STREAM_POSITION_VERSION, plain.array());
    }

    /** The pairs {@link #sealStreamPosition} sealed, or null when {@code sealed} is not one. */
    @Nullable
    List<String[]> openStreamPosition(String sealed) {
        try {
            ByteBuffer in = ByteBuffer.wrap(open(sealed, STREAM_POSITION_VERSION, 1));
            int count = Byte.toUnsignedInt(in.get());
            List<String[]> out = new java.util.ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                out.add(new String[] {getString(in), getString(in)});
            }
            return in.hasRemaining() ? null : out;
        } catch (InvalidTokenException | java.nio.BufferUnderflowException e) {
            return null;
        }
    }

    private void checkAgeAndCaller(long issuedAt, byte[] hash, String caller) throws InvalidTokenException {
        long now = clock.instant().getEpochSecond();
        if (issuedAt > now + MAX_FUTURE_SKEW_SECONDS) {
            throw new InvalidTokenException(Failure.FROM_THE_FUTURE);
        }
        if (now - issuedAt >= ttlSeconds) {
            throw new InvalidTokenException(Failure.EXPIRED);
        }
        if (!MessageDigest.isEqual(hash, callerHash(caller))) {
            throw new InvalidTokenException(Failure.OTHER_CALLER);
        }
    }

    private static void putString(ByteBuffer buf, byte[] s) {
        if (s.length > 0xFFFF) {
            throw new IllegalArgumentException("session field longer than 65535 bytes");
        }
        buf.putShort((short) s.length);
        buf.put(s);
    }

    private static String getString(ByteBuffer buf) {
        int len = Short.toUnsignedInt(buf.getShort());
        if (len > buf.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        String s = new String(buf.array(), buf.arrayOffset() + buf.position(), len, StandardCharsets.UTF_8);
        buf.position(buf.position() + len);
        return s;
    }

    private static byte[] callerHash(String caller) {
        byte[] full = sha256(("mcp-gateway-caller:" + caller).getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[CALLER_HASH];
        System.arraycopy(full, 0, out, 0, CALLER_HASH);
        return out;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
