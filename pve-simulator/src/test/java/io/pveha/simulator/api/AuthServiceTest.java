package io.pveha.simulator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pveha.simulator.model.PveException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthServiceTest {
    private final TokenRegistry tokens = new TokenRegistry();
    private final AuthService auth =
            new AuthService(
                    tokens,
                    "pw",
                    Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

    @Test
    void extractsAuthValuesLikePvesFormatter() {
        assertThat(
                        AuthService.extractAuthValue(
                                "a=b; PVEAuthCookie=PVE%3Aroot%40pam%3A1; x=y", "PVEAuthCookie"))
                .isEqualTo("PVE:root@pam:1");
        assertThat(AuthService.extractAuthValue("PVEAPIToken root@pam!ci=s", "PVEAPIToken"))
                .isEqualTo("root@pam!ci=s");
        assertThat(AuthService.extractAuthValue("NotPVEAPIToken=x", "PVEAPIToken")).isNull();
    }

    @Test
    void tokenValueIsSplitAtTheLastEqualsSignAndMayFollowASpace() {
        tokens.add("root@pam!ci", "5f8e-secret", Set.of("VM.Audit"));
        AuthInfo info = auth.authenticate(null, "PVEAPIToken=root@pam!ci=5f8e-secret", null, true);
        assertThat(info.authId()).isEqualTo("root@pam!ci");
        assertThat(info.privileges()).containsExactly("VM.Audit");
        assertThat(info.user()).isEqualTo("root@pam");
        assertThat(
                        auth.authenticate(null, "PVEAPIToken root@pam!ci=5f8e-secret", null, true)
                                .authId())
                .isEqualTo("root@pam!ci");
        assertThatThrownBy(
                        () ->
                                auth.authenticate(
                                        null, "PVEAPIToken=root@pam!ci=5f8e=secret", null, true))
                .hasMessage("Authentication failed!\n");
    }

    @Test
    void ticketsAndCsrfTokensVerifyAndExpireAfterTwoHours() {
        AuthService.Login login = auth.login("root", "pam", "pw");
        String cookie = "PVEAuthCookie=" + login.ticket();
        assertThat(auth.authenticate(cookie, null, login.csrfToken(), true).authId())
                .isEqualTo("root@pam");
        assertThatThrownBy(() -> auth.authenticate(cookie, null, null, true))
                .hasMessage("Permission denied - invalid csrf token\n");
        assertThat(auth.authenticate(cookie, null, null, false).authId()).isEqualTo("root@pam");

        AuthService later =
                new AuthService(
                        tokens,
                        "pw",
                        Clock.fixed(
                                Instant.parse("2025-01-01T00:00:00Z")
                                        .plus(Duration.ofHours(2))
                                        .plusSeconds(1),
                                ZoneOffset.UTC));
        assertThatThrownBy(() -> later.authenticate(cookie, null, null, false))
                .isInstanceOfSatisfying(
                        PveException.class,
                        e -> assertThat(e.reasonPhrase()).isEqualTo("Authentication failed!"));
    }

    @Test
    void wrongPasswordsAndUsersAreAuthenticationFailures() {
        assertThatThrownBy(() -> auth.login("root@pam", null, "nope"))
                .hasMessage("authentication failure\n");
        assertThatThrownBy(() -> auth.login("root", null, "pw"))
                .hasMessage("authentication failure\n");
        assertThatThrownBy(() -> auth.authenticate(null, null, null, false))
                .hasMessage("No ticket\n");
    }
}
