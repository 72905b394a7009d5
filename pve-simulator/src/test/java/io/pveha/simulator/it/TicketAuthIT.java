package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ticket login in every form real clients use, then cookie or header auth with CSRF tokens on
 * writes.
 */
class TicketAuthIT extends SimulatorIT {

    @Test
    void loginWithRealmInUsernameReturnsTicketCsrfTokenAndCapabilities() {
        JsonNode data =
                anonymous()
                        .post(
                                "/access/ticket",
                                "username",
                                "root@pam",
                                "password",
                                sim.rootPassword())
                        .data();
        assertThat(data.get("username").asText()).isEqualTo("root@pam");
        assertThat(data.get("ticket").asText())
                .matches("PVE:root@pam:[0-9A-F]{8}::[A-Za-z0-9+/=]+");
        assertThat(data.get("CSRFPreventionToken").asText())
                .matches("[0-9A-F]{8}:[A-Za-z0-9+/]{43}");
        assertThat(data.get("clustername").asText()).isEqualTo(sim.cluster().clusterName());
        assertThat(data.get("cap").get("vms").get("VM.PowerMgmt").asInt()).isEqualTo(1);
        String ticketTime = data.get("ticket").asText().split(":")[2];
        assertThat(data.get("CSRFPreventionToken").asText()).startsWith(ticketTime + ":");
    }

    @Test
    void loginWithRealmFieldAndUnencodedBodyWithoutContentType() {
        String body = "username=root&password=" + sim.rootPassword() + "&realm=pam";
        PveHttp.Resp resp = anonymous().raw("POST", "/access/ticket", body, null);
        assertThat(resp.data().get("username").asText()).isEqualTo("root@pam");
    }

    @Test
    void loginWithJsonBody() {
        PveHttp.Resp resp =
                anonymous()
                        .raw(
                                "POST",
                                "/access/ticket",
                                "{\"username\":\"root@pam\",\"password\":\""
                                        + sim.rootPassword()
                                        + "\"}",
                                "application/json");
        assertThat(resp.data().get("ticket").asText()).startsWith("PVE:root@pam:");
    }

    @Test
    void ticketInCookieOrAuthorizationHeaderAndCsrfTokenOnWrites() {
        JsonNode login =
                anonymous()
                        .post(
                                "/access/ticket",
                                "username",
                                "root@pam",
                                "password",
                                sim.rootPassword())
                        .data();
        String ticket = login.get("ticket").asText();
        String csrf = login.get("CSRFPreventionToken").asText();
        String cookie = "PVEAuthCookie=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8);
        sim.cluster().createVm("pve1", 500, Map.of("name", "ticket"));

        PveHttp byCookie = anonymous().withHeader("Cookie", cookie);
        assertThat(byCookie.get("/nodes").status()).isEqualTo(200);
        String upid =
                byCookie.withHeader("CSRFPreventionToken", csrf)
                        .post("/nodes/pve1/qemu/500/status/start")
                        .data()
                        .asText();
        assertThat(upid).contains(":qmstart:500:root@pam:");
        awaitOk(upid);
        JsonNode status = byCookie.get("/nodes/pve1/tasks/" + upid + "/status").data();
        assertThat(status.get("user").asText()).isEqualTo("root@pam");
        assertThat(status.has("tokenid")).isFalse();

        PveHttp byHeader = anonymous().withHeader("Authorization", "PVEAuthCookie=" + ticket);
        assertThat(byHeader.get("/version").status()).isEqualTo(200);
        PveHttp.Resp forgedCsrf =
                byHeader.withHeader("CSRFPreventionToken", "6500000A:AAAA")
                        .post("/nodes/pve1/qemu/500/status/stop");
        assertThat(forgedCsrf.status()).isEqualTo(401);
        assertThat(forgedCsrf.reason()).isEqualTo("Permission denied - invalid csrf token");
    }

    @Test
    void ticketRenewalUsesTheCurrentTicketAsPassword() {
        String ticket =
                anonymous()
                        .post(
                                "/access/ticket",
                                "username",
                                "root@pam",
                                "password",
                                sim.rootPassword())
                        .data()
                        .get("ticket")
                        .asText();
        JsonNode renewed =
                anonymous()
                        .post("/access/ticket", "username", "root@pam", "password", ticket)
                        .data();
        assertThat(renewed.get("ticket").asText()).startsWith("PVE:root@pam:");
        PveHttp.Resp otherUser =
                anonymous().post("/access/ticket", "username", "admin@pve", "password", ticket);
        assertThat(otherUser.status()).isEqualTo(401);
        assertThat(otherUser.reason()).isEqualTo("authentication failure");
    }

    private static PveHttp anonymous() {
        return api.withoutHeaders();
    }
}
