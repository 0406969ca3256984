package io.vhdkit.cli;

/** Whether to colour text output: on a terminal, unless NO_COLOR (https://no-color.org) is set. */
final class Terminal {

    private Terminal() {
    }

    static boolean colour() {
        String noColor = System.getenv("NO_COLOR");
        return System.console() != null && (noColor == null || noColor.isEmpty())
                && !"dumb".equals(System.getenv("TERM"));
    }
}
