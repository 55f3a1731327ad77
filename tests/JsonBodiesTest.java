import static org.junit.jupiter.api.Assertions.*;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The response bodies of contract section 2, and the escaping they rely on. */
class JsonBodiesTest {

    @Test
    void theBindingIsLowerCasedTheSameInEveryLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));  // where "I".toLowerCase() is a dotless ı
            assertEquals("{\"status\": \"OK\", \"username\": \"alice\", \"binding\": \"existing\"}",
                    JsonBodies.ok(new CheckResult.Ok("alice", CheckResult.Binding.EXISTING)));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void aProblemCarriesItsStableCode() {
        assertEquals("{\"type\": \"about:blank\", \"title\": \"Forbidden\", \"status\": 403, \"code\": \"USER_BOUND_TO_OTHER_MACHINE\", "
                        + "\"detail\": \"This account is bound to another computer.\"}",
                JsonBodies.problem(new CheckResult.Refused(CheckResult.Refusal.USER_BOUND_TO_OTHER_MACHINE)));
    }
}
