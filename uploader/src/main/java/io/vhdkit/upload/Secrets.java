package io.vhdkit.upload;

import java.util.regex.Pattern;

/** Removes credentials from text meant for people: SAS signatures, account keys, connection strings. */
public final class Secrets {

    private static final Pattern SIG = Pattern.compile("(?i)(sig=)[^&\\s\"'<>]+");
    private static final Pattern ACCOUNT_KEY = Pattern.compile("(?i)(AccountKey=)[^;\\s\"'<>]+");
    private static final Pattern SAS_IN_CS = Pattern.compile("(?i)(SharedAccessSignature=)[^;\\s\"'<>]+");
    private static final Pattern BEARER = Pattern.compile("(?i)(Bearer\\s+)[A-Za-z0-9._~+/=-]+");
    private static final Pattern SHARED_KEY = Pattern.compile("(?i)(SharedKey\\s+[^:\\s]+:)[A-Za-z0-9+/=]+");

    private Secrets() {
    }

    /** {@code text} with every secret replaced by {@code REDACTED}; null stays null. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String s = SIG.matcher(text).replaceAll("$1REDACTED");
        s = ACCOUNT_KEY.matcher(s).replaceAll("$1REDACTED");
        s = SAS_IN_CS.matcher(s).replaceAll("$1REDACTED");
        s = BEARER.matcher(s).replaceAll("$1REDACTED");
        return SHARED_KEY.matcher(s).replaceAll("$1REDACTED");
    }

    /** A URL without its query string (the SAS): what may be shown, logged and keyed on. */
    public static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
