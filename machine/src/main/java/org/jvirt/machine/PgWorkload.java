package org.jvirt.machine;

/**
 * The workload Popek and Goldberg's properties are measured on, as guests/x86/workload.h states it:
 * an xorshift generator stirring a table of 1024 words, summed. Each engine runs it as its own
 * machine code (RV64 in riscv's PgProperties, x86-64 in kvm's X86Workload); this is the one
 * statement of what they must all compute.
 */
public final class PgWorkload {
    private PgWorkload() { }

    /** The generator's starting state. */
    public static final long SEED = 88172645463325252L;
    /** Words in the table the loop stirs. */
    public static final int TABLE_WORDS = 1024;

    /** The checksum {@code n} iterations compute. */
    public static long checksum(long n) {
        int[] table = new int[TABLE_WORDS];
        long x = SEED, sum = 0;
        for (long i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            int slot = (int) x & (TABLE_WORDS - 1);
            table[slot] += (int) (x >>> 32);
            sum += (table[(slot * 7) & (TABLE_WORDS - 1)] & 0xffff_ffffL) ^ i;
        }
        return sum;
    }
}
