package io.pveha.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Values in messages must print as Go prints them, or our lines would differ from the apiserver's.
 */
class GoFormatTest {
    @Test
    void quotesLikeStrconvQuote() {
        assertThat(GoFormat.quote("a b")).isEqualTo("\"a b\"");
        assertThat(GoFormat.quote("say \"hi\"\n\t\\")).isEqualTo("\"say \\\"hi\\\"\\n\\t\\\\\"");
        assertThat(GoFormat.quote("\u0000\u001b\u007f")).isEqualTo("\"\\x00\\x1b\\x7f\"");
        assertThat(GoFormat.quote("Köln €")).isEqualTo("\"Köln €\"");
        assertThat(GoFormat.quote("\u200b")).isEqualTo("\"\\u200b\"");
    }

    @Test
    void printsFloatsLikePercentV() {
        assertThat(GoFormat.float64(0)).isEqualTo("0");
        assertThat(GoFormat.float64(100)).isEqualTo("100");
        assertThat(GoFormat.float64(-0.5)).isEqualTo("-0.5");
        assertThat(GoFormat.float64(123456)).isEqualTo("123456");
        assertThat(GoFormat.float64(1e6)).isEqualTo("1e+06");
        assertThat(GoFormat.float64(999999999)).isEqualTo("9.99999999e+08");
        assertThat(GoFormat.float64(0.0001)).isEqualTo("0.0001");
        assertThat(GoFormat.float64(0.00001)).isEqualTo("1e-05");
    }

    @Test
    void fieldErrorsRenderLikeKubernetes() {
        assertThat(FieldError.required("spec.clusterRef", "").toString())
                .isEqualTo("spec.clusterRef: Required value");
        assertThat(FieldError.invalid("spec.vmid", 50L, "too small").toString())
                .isEqualTo("spec.vmid: Invalid value: 50: too small");
        assertThat(
                        FieldError.notSupported("spec.mode", "x", java.util.List.of("a", "b"))
                                .toString())
                .isEqualTo("spec.mode: Unsupported value: \"x\": supported values: \"a\", \"b\"");
        assertThat(FieldError.tooLong("spec.name", 1).toString())
                .isEqualTo("spec.name: Too long: may not be more than 1 byte");
        assertThat(FieldError.tooMany("spec.tags", 3, 2).toString())
                .isEqualTo("spec.tags: Too many: 3: must have at most 2 items");
        assertThat(FieldError.invalid("spec", FieldError.OMIT, "rule failed").toString())
                .isEqualTo("spec: Invalid value: rule failed");
        assertThat(FieldError.unknownField("spec.foo").toString())
                .isEqualTo("spec.foo: unknown field \"spec.foo\"");
    }
}
