package io.pveha.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.api.monitoring.EmailReceiver;
import io.pveha.monitoring.Outgoing;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Sends one rendered message to one receiver with the provider's real contract: DingTalk signs the
 * URL, Feishu signs the body, and a 200 answer with {@code errcode} (WeCom, DingTalk) or {@code
 * code} (Feishu) other than 0 is a refusal. Errors never contain the URL.
 */
public final class Sender {
    /** WeCom's and DingTalk's "too many messages" codes, Feishu's rate and on-the-hour limits. */
    private static final java.util.Set<Integer> TRANSIENT_CODES =
            java.util.Set.of(45009, 130101, 9499, 11232, 11233, 11247, -1);

    private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");

    private final OkHttpClient http;
    private final Clock clock;

    public Sender(Clock clock) {
        this(
                new OkHttpClient.Builder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .readTimeout(Duration.ofSeconds(10))
                        .callTimeout(Duration.ofSeconds(15))
                        .followRedirects(false)
                        .build(),
                clock);
    }

    public Sender(OkHttpClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    /** Sends; on success returns the provider's answer (for {@code alert test}). */
    public String send(ReceiverConfig r, Outgoing m, MessageFormats.Style style)
            throws DeliveryException {
        return switch (r.kind()) {
            case "wecom" -> post(r, r.url(), MessageFormats.wecom(m, style), "errcode");
            case "dingtalk" -> {
                String url = r.url();
                if (r.signSecret() != null) {
                    url +=
                            (url.contains("?") ? "&" : "?")
                                    + Signatures.dingtalkQuery(r.signSecret(), clock.millis());
                }
                yield post(r, url, MessageFormats.dingtalk(m, style, r.mobiles()), "errcode");
            }
            case "feishu" -> {
                Long ts = null;
                String sign = null;
                if (r.signSecret() != null) {
                    ts = clock.millis() / 1000;
                    sign = Signatures.feishu(r.signSecret(), ts);
                }
                yield post(r, r.url(), MessageFormats.feishu(m, style, ts, sign), "code");
            }
            case "slack" -> post(r, r.url(), MessageFormats.slack(m, style), null);
            case "webhook" -> post(r, r.url(), MessageFormats.webhook(m, style, r.name()), null);
            case "email" -> email(r, m, style);
            default -> throw new DeliveryException("unknown receiver kind " + r.kind(), false);
        };
    }

    private String post(ReceiverConfig r, String url, String body, String codeField)
            throws DeliveryException {
        Request request;
        try {
            request =
                    new Request.Builder()
                            .url(url)
                            .post(RequestBody.create(body, JSON_TYPE))
                            .build();
        } catch (IllegalArgumentException e) {
            throw new DeliveryException(r + ": the URL in its Secret is not a valid URL", false);
        }
        try (Response response = http.newCall(request).execute()) {
            String answer = response.body() == null ? "" : response.body().string();
            if (!response.isSuccessful()) {
                int code = response.code();
                throw new DeliveryException(
                        "HTTP " + code + ": " + abbreviate(answer),
                        code == 429 || code >= 500 || code == 408);
            }
            if (codeField != null) {
                JsonNode json;
                try {
                    json = MessageFormats.JSON.readTree(answer.isEmpty() ? "{}" : answer);
                } catch (IOException e) {
                    throw new DeliveryException(
                            "HTTP 200 with an answer that is not JSON: " + abbreviate(answer),
                            false);
                }
                JsonNode code = json.get(codeField);
                if (code == null && "code".equals(codeField)) {
                    code = json.get("StatusCode"); // Feishu's older answer shape
                }
                if (code != null && code.asInt(0) != 0) {
                    String msg =
                            json.has("errmsg")
                                    ? json.get("errmsg").asText()
                                    : json.path("msg").asText(json.path("StatusMessage").asText());
                    throw new DeliveryException(
                            codeField + " " + code.asInt() + ": " + msg,
                            TRANSIENT_CODES.contains(code.asInt()));
                }
            }
            return abbreviate(answer);
        } catch (IOException e) {
            throw new DeliveryException(
                    r + ": " + e.getClass().getSimpleName() + ": " + scrubUrl(e.getMessage(), url),
                    true);
        }
    }

    private String email(ReceiverConfig r, Outgoing m, MessageFormats.Style style)
            throws DeliveryException {
        ReceiverConfig.Smtp smtp = r.smtp();
        Properties p = new Properties();
        String proto = smtp.security() == EmailReceiver.Security.TLS ? "smtps" : "smtp";
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", smtp.host());
        p.put("mail." + proto + ".port", String.valueOf(smtp.port()));
        p.put("mail." + proto + ".connectiontimeout", "5000");
        p.put("mail." + proto + ".timeout", "10000");
        p.put("mail." + proto + ".writetimeout", "10000");
        if (smtp.security() == EmailReceiver.Security.StartTLS || smtp.security() == null) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        boolean auth = smtp.username() != null && !smtp.username().isEmpty();
        p.put("mail." + proto + ".auth", String.valueOf(auth));
        Session session = Session.getInstance(p);
        String[] rendered = MessageFormats.email(m, style);
        try {
            MimeMessage msg = new MimeMessage(session);
            msg.setFrom(new InternetAddress(smtp.from()));
            for (String to : r.to()) {
                msg.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            msg.setSubject(rendered[0], "UTF-8");
            msg.setText(rendered[1], "UTF-8");
            msg.setSentDate(java.util.Date.from(m.at()));
            try (Transport t = session.getTransport(proto)) {
                if (auth) {
                    t.connect(smtp.host(), smtp.port(), smtp.username(), smtp.password());
                } else {
                    t.connect();
                }
                t.sendMessage(msg, msg.getAllRecipients());
            }
            return "250 accepted";
        } catch (MessagingException e) {
            boolean permanent =
                    e instanceof jakarta.mail.AuthenticationFailedException
                            || e instanceof jakarta.mail.internet.AddressException;
            throw new DeliveryException("SMTP: " + e.getMessage(), !permanent);
        }
    }

    private static String scrubUrl(String message, String url) {
        if (message == null) {
            return "";
        }
        String out = message.replace(url, "<url>");
        int q = url.indexOf('?');
        if (q > 0) {
            out = out.replace(url.substring(0, q), "<url>");
        }
        return out;
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ').strip();
        return one.length() > 300 ? one.substring(0, 300) + "…" : one;
    }
}
