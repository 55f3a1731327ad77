import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Constants;
import sun.security.pkcs11.wrapper.PKCS11Exception;

/**
 * Asks a PKCS#11 token, in a process of its own (the module reads its configuration from the
 * environment), what it holds under the device key's label: how many private keys, their
 * attributes, and whether the private key's value can be read out. One line per fact.
 */
public final class TokenProbe {

    /** Runs the probe as a process of the test's own Java with this environment, and returns its lines. */
    public static List<String> run(Path module, String token, String pin, Map<String, String> env) {
        String java = ProcessHandle.current().info().command().orElse("java");
        var builder = new ProcessBuilder(java, "--add-modules", "jdk.crypto.cryptoki",
                "--add-exports", "jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "TokenProbe", module.toString(), token);
        var result = Processes.run(builder, pin + "\n", 60, env);
        if (result.exitCode() != 0) throw new IllegalStateException("the token probe failed: " + result.stderr());
        return result.stdout().lines().toList();
    }

    public static void main(String[] args) throws Exception {
        String pin = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        var library = PKCS11.getInstance(args[0], "C_GetFunctionList", null, false);
        long slot = -1;
        for (long s : library.C_GetSlotList(true)) {
            if (new String(library.C_GetTokenInfo(s).label).strip().equals(args[1])) slot = s;
        }
        long session = library.C_OpenSession(slot, PKCS11Constants.CKF_SERIAL_SESSION, null, null);
        library.C_Login(session, PKCS11Constants.CKU_USER, pin.toCharArray());
        library.C_FindObjectsInit(session, new CK_ATTRIBUTE[] {
                new CK_ATTRIBUTE(PKCS11Constants.CKA_CLASS, PKCS11Constants.CKO_PRIVATE_KEY),
                new CK_ATTRIBUTE(PKCS11Constants.CKA_LABEL, Pkcs11Token.KEY_LABEL.toCharArray())});
        long[] keys = library.C_FindObjects(session, 16);
        library.C_FindObjectsFinal(session);
        System.out.println("private keys labelled \"" + Pkcs11Token.KEY_LABEL + "\": " + keys.length);
        for (long key : keys) {
            var attributes = new CK_ATTRIBUTE[] {
                    new CK_ATTRIBUTE(PKCS11Constants.CKA_TOKEN), new CK_ATTRIBUTE(PKCS11Constants.CKA_PRIVATE),
                    new CK_ATTRIBUTE(PKCS11Constants.CKA_SENSITIVE), new CK_ATTRIBUTE(PKCS11Constants.CKA_EXTRACTABLE),
                    new CK_ATTRIBUTE(PKCS11Constants.CKA_NEVER_EXTRACTABLE)};
            library.C_GetAttributeValue(session, key, attributes);
            System.out.println("token=" + attributes[0].getBoolean() + " private=" + attributes[1].getBoolean()
                    + " sensitive=" + attributes[2].getBoolean() + " extractable=" + attributes[3].getBoolean()
                    + " never-extractable=" + attributes[4].getBoolean());
            try {
                var value = new CK_ATTRIBUTE[] {new CK_ATTRIBUTE(PKCS11Constants.CKA_VALUE)};
                library.C_GetAttributeValue(session, key, value);
                System.out.println("value: READ (" + (value[0].pValue == null ? "empty" : "bytes") + ")");
            } catch (PKCS11Exception refused) {
                System.out.println("value: refused (" + refused.getMessage().split(" ")[0] + ")");
            }
        }
    }

    private TokenProbe() {}
}
