package io.pveha.lb.ssh;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HostChannelFactory} over Apache MINA sshd. Authenticates with the key from the Secret only
 * (no ~/.ssh, no agent, no passwords) and accepts exactly the pinned host key: the client offers
 * only the pinned key's algorithm, so a host with several host keys presents the pinned one, and
 * any other key ends the connection before authentication. Sessions are kept per endpoint and
 * identity and reused, so a poll costs channel opens, not logins.
 */
public final class SshHostChannelFactory implements HostChannelFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SshHostChannelFactory.class);
    private static final AttributeRepository.AttributeKey<Attempt> ATTEMPT =
            new AttributeRepository.AttributeKey<>();

    /** Output beyond this is dropped; the operator's commands print a few kilobytes at most. */
    private static final int MAX_OUTPUT_BYTES = 1 << 20;

    /**
     * Timeouts for connecting (TCP, key exchange and authentication together) and for one command.
     */
    public record Settings(Duration connectTimeout, Duration commandTimeout) {}

    private record PoolKey(HostEndpoint endpoint, SshIdentity identity) {}

    /** Per connection: the pin to check, and the key the host actually presented. */
    private record Attempt(
            PublicKey pinned, String serverKeyAlgorithms, AtomicReference<PublicKey> presented) {}

    private final Settings settings;
    private final SshClient client;
    private final Map<PoolKey, ClientSession> sessions = new ConcurrentHashMap<>();
    private final Map<PoolKey, Object> locks = new ConcurrentHashMap<>();

    public SshHostChannelFactory(Settings settings) {
        this.settings = settings;
        client = SshClient.setUpDefaultClient();
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setServerKeyVerifier(SshHostChannelFactory::verifyServerKey);
        client.addSessionListener(
                new SessionListener() {
                    @Override
                    public void sessionNegotiationOptionsCreated(
                            Session session, Map<KexProposalOption, String> proposal) {
                        // Ask only for the pinned key's algorithm; otherwise a host with an ECDSA
                        // and an Ed25519
                        // key might present the one we did not pin, and we would refuse a
                        // legitimate host.
                        if (session instanceof ClientSession cs
                                && cs.getConnectionContext() != null) {
                            Attempt attempt = cs.getConnectionContext().getAttribute(ATTEMPT);
                            if (attempt != null && attempt.serverKeyAlgorithms() != null) {
                                proposal.put(
                                        KexProposalOption.SERVERKEYS,
                                        attempt.serverKeyAlgorithms());
                            }
                        }
                    }
                });
        client.start();
    }

    @Override
    public HostChannel channel(HostEndpoint endpoint, SshIdentity identity) {
        PoolKey key = new PoolKey(endpoint, identity);
        return new HostChannel() {
            private volatile String fingerprint;

            @Override
            public CommandResult run(RemoteCommand command) throws HostChannelException {
                ClientSession session = session(key);
                fingerprint = fingerprintOf(session.getServerKey());
                return exec(key, session, command);
            }

            @Override
            public String hostKeyFingerprint() {
                return fingerprint;
            }
        };
    }

    private ClientSession session(PoolKey key) throws HostChannelException {
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            ClientSession existing = sessions.get(key);
            if (existing != null && existing.isOpen() && existing.isAuthenticated()) {
                return existing;
            }
            if (existing != null) {
                discard(key, existing);
            }
            ClientSession created = connect(key);
            sessions.put(key, created);
            return created;
        }
    }

    private ClientSession connect(PoolKey key) throws HostChannelException {
        HostEndpoint endpoint = key.endpoint();
        KeyPair identity = loadIdentity(key.identity());
        Attempt attempt = attemptFor(endpoint.pinnedHostKey());
        ClientSession session = null;
        try {
            session =
                    client.connect(
                                    endpoint.user(),
                                    endpoint.address(),
                                    endpoint.port(),
                                    AttributeRepository.ofKeyValuePair(ATTEMPT, attempt),
                                    null)
                            .verify(settings.connectTimeout())
                            .getSession();
            session.addPublicKeyIdentity(identity);
            session.auth().verify(settings.connectTimeout());
            return session;
        } catch (IOException | RuntimeException e) {
            closeQuietly(session);
            PublicKey presented = attempt.presented().get();
            if (presented != null
                    && (attempt.pinned() == null
                            || !KeyUtils.compareKeys(attempt.pinned(), presented))) {
                throw new HostKeyRejectedException(
                        attempt.pinned() == null
                                ? HostKeyRejectedException.Kind.UNKNOWN
                                : HostKeyRejectedException.Kind.CHANGED,
                        endpoint.toString(),
                        fingerprintOf(presented),
                        attempt.pinned() == null ? null : fingerprintOf(attempt.pinned()));
            }
            if (presented != null
                    && session != null
                    && !session.isAuthenticated()
                    && String.valueOf(e.getMessage()).toLowerCase().contains("auth")) {
                throw new HostChannelException(
                        HostChannelException.Reason.AUTHENTICATION_FAILED,
                        endpoint + " refused the SSH key (" + key.identity() + ")",
                        null);
            }
            throw new HostChannelException(
                    HostChannelException.Reason.UNREACHABLE,
                    "cannot connect to " + endpoint + ": " + describe(e),
                    null);
        }
    }

    private CommandResult exec(PoolKey key, ClientSession session, RemoteCommand command)
            throws HostChannelException {
        Duration timeout =
                command.timeout() != null ? command.timeout() : settings.commandTimeout();
        BoundedOutput out = new BoundedOutput();
        BoundedOutput err = new BoundedOutput();
        long started = System.nanoTime();
        try (ChannelExec channel = session.createExecChannel(command.script())) {
            channel.setIn(new ByteArrayInputStream(command.stdin()));
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(timeout);
            Set<ClientChannelEvent> events =
                    channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                // A link that went away mid-command looks like this: drop the session, reconnect
                // next time.
                discard(key, session);
                throw new HostChannelException(
                        HostChannelException.Reason.TIMEOUT,
                        "command on "
                                + key.endpoint()
                                + " did not finish within "
                                + timeout.toMillis()
                                + " ms",
                        null);
            }
            Integer exit = channel.getExitStatus();
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "{} ran '{}' in {} ms: exit {}",
                        key.endpoint(),
                        firstLine(command.script()),
                        (System.nanoTime() - started) / 1_000_000,
                        exit);
            }
            if (exit == null) {
                discard(key, session);
                throw new HostChannelException(
                        HostChannelException.Reason.UNREACHABLE,
                        "connection to " + key.endpoint() + " closed before the command finished",
                        null);
            }
            return new CommandResult(exit, out.text(), err.text());
        } catch (IOException | RuntimeException e) {
            discard(key, session);
            throw new HostChannelException(
                    HostChannelException.Reason.UNREACHABLE,
                    "lost connection to " + key.endpoint() + ": " + describe(e),
                    null);
        }
    }

    private static boolean verifyServerKey(
            ClientSession session, SocketAddress remote, PublicKey serverKey) {
        Attempt attempt =
                session.getConnectionContext() == null
                        ? null
                        : session.getConnectionContext().getAttribute(ATTEMPT);
        if (attempt == null) {
            return false;
        }
        attempt.presented().set(serverKey);
        boolean accepted =
                attempt.pinned() != null && KeyUtils.compareKeys(attempt.pinned(), serverKey);
        if (!accepted) {
            LOG.warn(
                    "Refusing {}: host key {} is not the pinned one",
                    remote,
                    fingerprintOf(serverKey));
        }
        return accepted;
    }

    private static Attempt attemptFor(String pin) {
        PublicKey pinned = null;
        String algorithms = null;
        try {
            if (pin != null && !pin.isBlank()) {
                pinned =
                        PublicKeyEntry.parsePublicKeyEntry(pin.strip())
                                .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
                algorithms = serverKeyAlgorithms(pin.strip().split(" ")[0]);
            }
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            LOG.debug("Unusable host key pin: {}", e.toString());
            pinned = null;
        }
        return new Attempt(pinned, algorithms, new AtomicReference<>());
    }

    /** The host key algorithms that can present a key of the pinned type. */
    static String serverKeyAlgorithms(String keyType) {
        return switch (keyType) {
            case "ssh-rsa" -> "rsa-sha2-512,rsa-sha2-256,ssh-rsa";
            case "ssh-ed25519",
                    "ecdsa-sha2-nistp256",
                    "ecdsa-sha2-nistp384",
                    "ecdsa-sha2-nistp521" ->
                    keyType;
            default -> null;
        };
    }

    private static KeyPair loadIdentity(SshIdentity identity) throws HostChannelException {
        try {
            Iterable<KeyPair> keys =
                    SecurityUtils.loadKeyPairIdentities(
                            null,
                            NamedResource.ofName("ssh key " + identity.id()),
                            new ByteArrayInputStream(identity.privateKey()),
                            null);
            Iterator<KeyPair> it = keys == null ? null : keys.iterator();
            if (it != null && it.hasNext()) {
                return it.next();
            }
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            // The exception text may quote key material; report only its type.
            throw new HostChannelException(
                    HostChannelException.Reason.BAD_CLIENT_KEY,
                    "the SSH private key "
                            + identity
                            + " cannot be read ("
                            + e.getClass().getSimpleName()
                            + "); it must be an unencrypted OpenSSH or PEM private key",
                    null);
        }
        throw new HostChannelException(
                HostChannelException.Reason.BAD_CLIENT_KEY,
                "the SSH private key " + identity + " holds no key",
                null);
    }

    public static String fingerprintOf(PublicKey key) {
        return key == null ? null : KeyUtils.getFingerPrint(key);
    }

    private void discard(PoolKey key, ClientSession session) {
        sessions.remove(key, session);
        closeQuietly(session);
    }

    private static void closeQuietly(ClientSession session) {
        if (session != null) {
            session.close(true);
        }
    }

    private static String firstLine(String script) {
        int nl = script.indexOf('\n');
        String line = nl < 0 ? script : script.substring(0, nl) + " ...";
        return line.length() > 120 ? line.substring(0, 120) + "..." : line;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message =
                root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.length() > 200 ? message.substring(0, 200) : message;
    }

    @Override
    public void close() {
        sessions.values().forEach(SshHostChannelFactory::closeQuietly);
        sessions.clear();
        client.stop();
    }

    /** Collects command output up to a limit. */
    private static final class BoundedOutput extends OutputStream {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (buffer.size() < MAX_OUTPUT_BYTES) {
                buffer.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            buffer.write(b, off, Math.max(0, Math.min(len, MAX_OUTPUT_BYTES - buffer.size())));
        }

        synchronized String text() {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }
}
