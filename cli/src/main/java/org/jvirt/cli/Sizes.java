package org.jvirt.cli;

import java.util.Locale;

/** Parses the sizes and durations users type: {@code 256M}, {@code 1G}, {@code 30s}, {@code 500ms}. */
final class Sizes {
    private Sizes() { }

    /** Bytes from a number with an optional K, M, G or T suffix (binary multiples; a trailing B or iB is allowed). */
    static long bytes(String s, String option) {
        String t = s.trim().toUpperCase(Locale.ROOT).replaceAll("I?B$", "");
        long mult = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> mult = 1L << 10;
                case 'M' -> mult = 1L << 20;
                case 'G' -> mult = 1L << 30;
                case 'T' -> mult = 1L << 40;
                default -> { }
            }
            if (mult != 1) t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t);
            if (n <= 0 || n > Long.MAX_VALUE / mult) throw new NumberFormatException();
            return n * mult;
        } catch (NumberFormatException e) {
            throw new Main.UserError("invalid size '" + s + "' for " + option + ": write a number with K, M or G, like 256M or 1G", Main.USAGE);
        }
    }

    /** Milliseconds from a number with an optional ms, s, m or h suffix (seconds by default). */
    static long millis(String s, String option) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long mult = 1000;
        if (t.endsWith("ms")) { mult = 1; t = t.substring(0, t.length() - 2); }
        else if (t.endsWith("s")) { t = t.substring(0, t.length() - 1); }
        else if (t.endsWith("m")) { mult = 60_000; t = t.substring(0, t.length() - 1); }
        else if (t.endsWith("h")) { mult = 3_600_000; t = t.substring(0, t.length() - 1); }
        try {
            double v = Double.parseDouble(t);
            if (!(v > 0) || v * mult > Long.MAX_VALUE) throw new NumberFormatException();
            return Math.max(1, (long) (v * mult));
        } catch (NumberFormatException e) {
            throw new Main.UserError("invalid duration '" + s + "' for " + option + ": write a number with ms, s, m or h, like 30s", Main.USAGE);
        }
    }
}
