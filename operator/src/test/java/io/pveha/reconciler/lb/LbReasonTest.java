package io.pveha.reconciler.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.reconciler.Reason;
import io.pveha.reconciler.Reasons;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The reasons docs/load-balancer.md promises users are the ones the code has, and the other way
 * round.
 */
class LbReasonTest {
    /** The condition table and the Events paragraph. */
    static String documented() throws Exception {
        String doc = Files.readString(Path.of("../docs/load-balancer.md"));
        return doc.substring(
                doc.indexOf("| condition | True | False reasons |"),
                doc.indexOf("### Measured failover"));
    }

    static Set<String> backticked(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("`([A-Z][a-z][A-Za-z]*)`").matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void everyDocumentedReasonIsInTheVocabulary() throws Exception {
        Set<String> vocabulary =
                Reasons.vocabulary(LbReason.class).stream()
                        .map(Reason::name)
                        .collect(Collectors.toSet());
        assertThat(backticked(documented()))
                .isNotEmpty()
                .allSatisfy(name -> assertThat(vocabulary).contains(name));
    }

    @Test
    void everyReasonIsDocumented() throws Exception {
        Set<String> documented = backticked(documented());
        assertThat(Arrays.stream(LbReason.values()).map(Enum::name))
                .allSatisfy(name -> assertThat(documented).contains(name));
    }
}
