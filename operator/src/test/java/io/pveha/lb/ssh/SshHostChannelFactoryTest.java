package io.pveha.lb.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MINA client against an in-process MINA server on loopback that runs commands with /bin/sh, so
 * quoting, stdin, exit codes, host key pinning and session reuse are exercised end to end.
 */
class SshHostChannelFactoryTest {
    static final KeyPair HOST_ED25519 = generate("ssh-ed25519", 256);
    static final KeyPair HOST_ECDSA = generate("ecdsa-sha2-nistp256", 256);
    static final KeyPair OTHER_HOST = generate("ssh-ed25519", 256);
    static final KeyPair CLIENT = generate("ssh-ed25519", 256);
    static final KeyPair STRANGER = generate("ssh-ed25519", 256);

    SshServer server;
    final AtomicInteger sessions = new AtomicInteger();
    final AtomicInteger commands = new AtomicInteger();
    SshHostChannelFactory factory;

    @BeforeEach
    void startServer() throws Exception {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        // Two host keys, ECDSA first: the client must still get the pinned Ed25519 one.
        server.setKeyPairProvider(KeyPairProvider.wrap(HOST_ECDSA, HOST_ED25519));
        server.setPublickeyAuthenticator(
                (user, key, session) ->
                        "root".equals(user) && KeyUtils.compareKeys(key, CLIENT.getPublic()));
        server.setCommandFactory(
                (channel, command) -> {
                    commands.incrementAndGet();
                    return new ProcessShellFactory(command, List.of("/bin/sh", "-c", command))
                            .createShell(channel);
                });
        server.addSessionListener(
                new SessionListener() {
                    @Override
                    public void sessionCreated(Session session) {
                        sessions.incrementAndGet();
                    }
                });
        server.start();
        factory =
                new SshHostChannelFactory(
                        new SshHostChannelFactory.Settings(
                                Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() throws Exception {
        factory.close();
        server.stop(true);
    }

    @Test
    void runsCommandsWithQuotedArgumentsExactlyAsGiven() throws Exception {
        String hostile = "a'b; $(touch /tmp/pwned) `id` \"c\" \\ * \n|& > x";
        CommandResult result =
                channel(HOST_ED25519, CLIENT).run(RemoteCommand.of("printf '%s' {}", hostile));

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo(hostile);
    }

    @Test
    void feedsStdinAndReportsExitCodesAndStderr() throws Exception {
        HostChannel channel = channel(HOST_ED25519, CLIENT);
        assertThat(
                        channel.run(
                                        RemoteCommand.of("cat")
                                                .withStdin(
                                                        "line 1\nline 2\n"
                                                                .getBytes(StandardCharsets.UTF_8)))
                                .stdout())
                .isEqualTo("line 1\nline 2\n");
        CommandResult failed = channel.run(RemoteCommand.of("echo oops >&2; exit 5"));
        assertThat(failed.exitCode()).isEqualTo(5);
        assertThat(failed.message()).isEqualTo("oops");
    }

    @Test
    void reusesOneSessionForManyCommands() throws Exception {
        HostChannel channel = channel(HOST_ED25519, CLIENT);
        for (int i = 0; i < 5; i++) {
            channel.run(RemoteCommand.of("true"));
        }
        assertThat(sessions.get()).isEqualTo(1);
        assertThat(channel.hostKeyFingerprint())
                .isEqualTo(KeyUtils.getFingerPrint(HOST_ED25519.getPublic()));
    }

    @Test
    void acceptsTheEcdsaKeyWhenThatIsTheOnePinned() throws Exception {
        assertThat(channel(HOST_ECDSA, CLIENT).run(RemoteCommand.of("echo ok")).stdout())
                .isEqualTo("ok\n");
    }

    @Test
    void refusesAChangedHostKeyBeforeAuthenticatingOrRunningAnything() {
        assertThatThrownBy(
                        () ->
                                channel(OTHER_HOST, CLIENT)
                                        .run(RemoteCommand.of("touch /tmp/should-not-run")))
                .isInstanceOfSatisfying(
                        HostKeyRejectedException.class,
                        e -> {
                            assertThat(e.kind()).isEqualTo(HostKeyRejectedException.Kind.CHANGED);
                            assertThat(e.presentedFingerprint())
                                    .isEqualTo(KeyUtils.getFingerPrint(HOST_ED25519.getPublic()));
                            assertThat(e.expectedFingerprint())
                                    .isEqualTo(KeyUtils.getFingerPrint(OTHER_HOST.getPublic()));
                            assertThat(e.getMessage()).contains("not the pinned");
                        });
        assertThat(commands.get()).isZero();
    }

    @Test
    void refusesAHostWhenThePinIsUnusable() {
        HostEndpoint endpoint =
                new HostEndpoint("127.0.0.1", server.getPort(), "root", "ssh-ed25519 bm90LWEta2V5");
        assertThatThrownBy(
                        () ->
                                factory.channel(endpoint, identity(CLIENT))
                                        .run(RemoteCommand.of("true")))
                .isInstanceOfSatisfying(
                        HostKeyRejectedException.class,
                        e -> assertThat(e.kind()).isEqualTo(HostKeyRejectedException.Kind.UNKNOWN));
        assertThat(commands.get()).isZero();
    }

    @Test
    void reportsAKeyTheHostRefuses() {
        assertThatThrownBy(() -> channel(HOST_ED25519, STRANGER).run(RemoteCommand.of("true")))
                .isInstanceOfSatisfying(
                        HostChannelException.class,
                        e ->
                                assertThat(e.reason())
                                        .isEqualTo(
                                                HostChannelException.Reason.AUTHENTICATION_FAILED));
    }

    @Test
    void reportsAnUnreadableClientKeyWithoutQuotingIt() {
        SshIdentity garbage =
                new SshIdentity(
                        "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0\n-----END OPENSSH PRIVATE KEY-----\n"
                                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(
                        () ->
                                factory.channel(endpoint(HOST_ED25519), garbage)
                                        .run(RemoteCommand.of("true")))
                .isInstanceOfSatisfying(
                        HostChannelException.class,
                        e -> {
                            assertThat(e.reason())
                                    .isEqualTo(HostChannelException.Reason.BAD_CLIENT_KEY);
                            assertThat(e.getMessage()).doesNotContain("c2VjcmV0");
                        });
    }

    @Test
    void reportsAClosedPortAsUnreachable() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        HostEndpoint endpoint =
                new HostEndpoint(
                        "127.0.0.1",
                        closed,
                        "root",
                        PublicKeyEntry.toString(HOST_ED25519.getPublic()));
        assertThatThrownBy(
                        () ->
                                factory.channel(endpoint, identity(CLIENT))
                                        .run(RemoteCommand.of("true")))
                .isInstanceOfSatisfying(
                        HostChannelException.class,
                        e ->
                                assertThat(e.reason())
                                        .isEqualTo(HostChannelException.Reason.UNREACHABLE));
    }

    @Test
    void abandonsACommandThatRunsTooLongAndReconnectsAfterwards() throws Exception {
        HostChannel channel = channel(HOST_ED25519, CLIENT);
        assertThatThrownBy(
                        () ->
                                channel.run(
                                        RemoteCommand.of("sleep 5")
                                                .withTimeout(Duration.ofMillis(300))))
                .isInstanceOfSatisfying(
                        HostChannelException.class,
                        e -> assertThat(e.reason()).isEqualTo(HostChannelException.Reason.TIMEOUT));
        assertThat(channel.run(RemoteCommand.of("echo again")).stdout()).isEqualTo("again\n");
    }

    private HostEndpoint endpoint(KeyPair pinned) {
        return new HostEndpoint(
                "127.0.0.1", server.getPort(), "root", PublicKeyEntry.toString(pinned.getPublic()));
    }

    private HostChannel channel(KeyPair pinnedHostKey, KeyPair clientKey) throws Exception {
        return factory.channel(endpoint(pinnedHostKey), identity(clientKey));
    }

    static SshIdentity identity(KeyPair key) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "test", null, out);
        return new SshIdentity(out.toByteArray());
    }

    static KeyPair generate(String type, int bits) {
        try {
            return KeyUtils.generateKeyPair(type, bits);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
