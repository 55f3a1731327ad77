import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The machine ID the client sends: hex(HMAC-SHA256(key = raw machine identity,
 * message = APPLICATION_ID)), as systemd's sd_id128_get_machine_app_specific
 * does. The raw identity never leaves the computer, and the ID cannot be matched
 * with other applications' IDs of the same computer.
 */
public final class MachineId {

    /** Fixed for seek-auth; changing it changes every ID and so breaks every binding. */
    public static final String APPLICATION_ID = "seek-auth machine-id v1";

    private MachineId() {}

    /** The 64-hex ID for a raw identity (the UTF-8 bytes of the trimmed value are the key). */
    public static String derive(String rawIdentity) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(rawIdentity.trim().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(hmac.doFinal(APPLICATION_ID.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
