package io.pveha.pve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * JSON as PVE writes it. PVE's Perl backend is loose with types: booleans arrive as 0/1, sometimes
 * as "0"/"1"; numbers arrive as strings (/cluster/nextid, LXC vmid, Ceph flags); VM config {@code
 * memory} is a string from PVE 8.1. The mapper tolerates all of that so DTOs can use real Java
 * types.
 */
public final class PveJson {
    public static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                    .addModule(
                            new SimpleModule("pve-loose-types")
                                    .addDeserializer(Boolean.class, new LooseBoolean())
                                    .addDeserializer(boolean.class, new LooseBoolean()))
                    .build();

    private PveJson() {}

    /** A boolean from true/false, 0/1 or their string forms; anything else is an error. */
    static final class LooseBoolean extends JsonDeserializer<Boolean> {
        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            return switch (token) {
                case VALUE_TRUE -> true;
                case VALUE_FALSE -> false;
                case VALUE_NUMBER_INT -> p.getLongValue() != 0;
                case VALUE_NUMBER_FLOAT -> p.getDoubleValue() != 0;
                case VALUE_STRING -> parse(p.getText(), p, ctxt);
                default -> (Boolean) ctxt.handleUnexpectedToken(Boolean.class, p);
            };
        }

        @Override
        public Boolean getNullValue(DeserializationContext ctxt) {
            return null;
        }

        private static Boolean parse(String text, JsonParser p, DeserializationContext ctxt)
                throws IOException {
            String t = text.trim();
            return switch (t) {
                case "1", "true", "yes", "on" -> true;
                case "0", "false", "no", "off", "" -> false;
                default ->
                        (Boolean)
                                ctxt.handleWeirdStringValue(Boolean.class, t, "not a PVE boolean");
            };
        }
    }

    /** A boolean field of a loose JSON node (absent → false). */
    public static boolean bool(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNumber()) {
            return v.asLong() != 0;
        }
        String t = v.asText().trim();
        return t.equals("1") || t.equalsIgnoreCase("true");
    }

    /** A text field, or null when absent. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
