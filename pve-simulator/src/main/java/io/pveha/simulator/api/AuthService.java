package io.pveha.simulator.api;

import io.pveha.simulator.model.PveException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authentication as {@code PVE::HTTPServer::auth_handler} does it: API tokens in the {@code
 * Authorization} header, or a ticket in the {@code PVEAuthCookie} cookie (or header) with a {@code
 * CSRFPreventionToken} on every write.
 *
 * <p>Tickets ({@code PVE:user@realm:<hex time>::<signature>}) and CSRF tokens are signed with a key
 * made at start and live two hours of real time: they belong to the client's session, not to the
 * simulated world, so a fast simulated clock does not expire them.
 */
public final class AuthService {
    private static final long TICKET_LIFETIME_SECONDS = 2 * 3600;
    private static final Pattern TICKET =
            Pattern.compile("^PVE:([^:\\s]+):([0-9A-F]{8})::([A-Za-z0-9+/=]+)$");
    private static final Pattern CSRF = Pattern.compile("^([A-Z0-9]{8}):(\\S+)$");

    private final TokenRegistry tokens;
    private final Clock realClock;
    private final byte[] key = new byte[32];
    private final String rootPassword;

    public AuthService(TokenRegistry tokens, String rootPassword, Clock realClock) {
        this.tokens = tokens;
        this.rootPassword = rootPassword;
        this.realClock = realClock;
        new SecureRandom().nextBytes(key);
    }

    public String rootPassword() {
        return rootPassword;
    }

    /** The API tokens this service accepts. */
    public TokenRegistry tokens() {
        return tokens;
    }

    /** The ticket login result: the user and a fresh ticket and CSRF token. */
    public record Login(String username, String ticket, String csrfToken) {}

    /**
     * {@code POST /access/ticket}: password login, or ticket renewal with the current ticket as
     * password.
     *
     * @throws PveException 401 {@code authentication failure}
     */
    public Login login(String username, String realm, String password) {
        // PVE appends a given realm unconditionally: "root@pam" with realm "pam" is user
        // "root@pam@pam".
        String user = realm != null ? username + "@" + realm : username;
        boolean valid =
                user.equals("root@pam")
                        && (MessageDigest.isEqual(
                                        password.getBytes(StandardCharsets.UTF_8),
                                        rootPassword.getBytes(StandardCharsets.UTF_8))
                                || verifyTicket(password).filter(user::equals).isPresent());
        if (!valid) {
            throw PveException.unauthorized("authentication failure");
        }
        long now = realClock.instant().getEpochSecond();
        return new Login(user, ticketFor(user, now), csrfTokenFor(user, now));
    }

    /**
     * Authenticates a request to a method that needs it.
     *
     * @param cookieHeader the {@code Cookie} header
     * @param authorizationHeader the {@code Authorization} header
     * @param csrfHeader the {@code CSRFPreventionToken} header
     * @param write whether the method is not GET (tickets then need a CSRF token)
     */
    public AuthInfo authenticate(
            String cookieHeader, String authorizationHeader, String csrfHeader, boolean write) {
        String ticket = extractAuthValue(cookieHeader, "PVEAuthCookie");
        if (ticket == null) {
            ticket = extractAuthValue(authorizationHeader, "PVEAuthCookie");
        }
        if (ticket == null) {
            String token = extractAuthValue(authorizationHeader, "PVEAPIToken");
            if (token != null) {
                return verifyApiToken(token);
            }
            throw PveException.unauthorized("No ticket");
        }
        String user =
                verifyTicket(ticket)
                        .orElseThrow(() -> PveException.unauthorized("Authentication failed!"));
        if (write && (csrfHeader == null || !verifyCsrf(user, csrfHeader))) {
            throw PveException.unauthorized("Permission denied - invalid csrf token");
        }
        return new AuthInfo(user, false, null);
    }

    /**
     * Whether the request carries an API token (for {@code allowtoken => 0} methods, which need no
     * login).
     */
    public static boolean carriesApiToken(String cookieHeader, String authorizationHeader) {
        return extractAuthValue(cookieHeader, "PVEAuthCookie") == null
                && extractAuthValue(authorizationHeader, "PVEAuthCookie") == null
                && extractAuthValue(authorizationHeader, "PVEAPIToken") != null;
    }

    private AuthInfo verifyApiToken(String value) {
        // The value is <tokenid>=<secret>; it is split at the last '=' as PVE does.
        int eq = value.lastIndexOf('=');
        if (eq <= 0) {
            throw PveException.unauthorized("Authentication failed!");
        }
        return tokens.verify(value.substring(0, eq), value.substring(eq + 1))
                .orElseThrow(() -> PveException.unauthorized("Authentication failed!"));
    }

    Optional<String> verifyTicket(String ticket) {
        Matcher m = TICKET.matcher(ticket);
        if (!m.matches()) {
            return Optional.empty();
        }
        String user = m.group(1);
        long issued = Long.parseLong(m.group(2), 16);
        long age = realClock.instant().getEpochSecond() - issued;
        boolean signed =
                MessageDigest.isEqual(
                        sign("PVE:" + user + ":" + m.group(2)).getBytes(StandardCharsets.UTF_8),
                        m.group(3).getBytes(StandardCharsets.UTF_8));
        if (!signed || age < -300 || age > TICKET_LIFETIME_SECONDS) {
            return Optional.empty();
        }
        return Optional.of(user);
    }

    private boolean verifyCsrf(String user, String token) {
        Matcher m = CSRF.matcher(token);
        if (!m.matches()) {
            return false;
        }
        long age = realClock.instant().getEpochSecond() - Long.parseLong(m.group(1), 16);
        return m.group(2).equals(csrfSignature(m.group(1), user))
                && age > -300
                && age < TICKET_LIFETIME_SECONDS;
    }

    private String ticketFor(String user, long now) {
        String data = "PVE:" + user + ":" + hex(now);
        return data + "::" + sign(data);
    }

    private String csrfTokenFor(String user, long now) {
        String timestamp = hex(now);
        return timestamp + ":" + csrfSignature(timestamp, user);
    }

    /**
     * {@code hmac_sha256_base64("$timestamp:$username")}: base64 without padding, like Digest::SHA.
     */
    private String csrfSignature(String timestamp, String user) {
        return Base64.getEncoder()
                .withoutPadding()
                .encodeToString(hmac("csrf:" + timestamp + ":" + user));
    }

    private String sign(String data) {
        return Base64.getEncoder().encodeToString(hmac(data));
    }

    private byte[] hmac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }

    private static String hex(long seconds) {
        return String.format(Locale.ROOT, "%08X", seconds);
    }

    /**
     * {@code PVE::APIServer::Formatter::extract_auth_value}: {@code <key>=<value>} or {@code <key>
     * <value>} at the start of the header or after whitespace, up to the next {@code ;},
     * URL-decoded.
     */
    static String extractAuthValue(String header, String key) {
        if (header == null) {
            return null;
        }
        Matcher m =
                Pattern.compile("(?:^|\\s)" + Pattern.quote(key) + "(?:=| )([^;]*)")
                        .matcher(header);
        if (!m.find() || m.group(1).isEmpty()) {
            return null;
        }
        return URLDecoder.decode(m.group(1).replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
