package org.jvirt.riscv.fpu;

/**
 * A mutable accumulator of IEEE 754 exception flags in the layout of the RISC-V {@code fflags} CSR
 * (unprivileged spec 20191213, section 11.2): {@link SoftFloat#NX}, {@link SoftFloat#UF},
 * {@link SoftFloat#OF}, {@link SoftFloat#DZ}, {@link SoftFloat#NV}.
 *
 * <p>Operations only ever OR flags in, as the accrued-exception semantics require; clearing is the
 * business of whoever writes the CSR. The hart owns one instance, so this is deliberately a bare
 * field rather than something synchronized or immutable.
 */
public final class Flags {
    /** The accrued flags, bits 0..4 as in {@code fflags}. */
    public int bits;

    /** Creates an accumulator with no flags raised. */
    public Flags() { }

    /** Creates an accumulator holding {@code bits}. */
    public Flags(int bits) {
        this.bits = bits;
    }

    @Override
    public String toString() {
        var sb = new StringBuilder();
        if ((bits & SoftFloat.NV) != 0) sb.append("NV ");
        if ((bits & SoftFloat.DZ) != 0) sb.append("DZ ");
        if ((bits & SoftFloat.OF) != 0) sb.append("OF ");
        if ((bits & SoftFloat.UF) != 0) sb.append("UF ");
        if ((bits & SoftFloat.NX) != 0) sb.append("NX ");
        return sb.isEmpty() ? "-" : sb.toString().trim();
    }
}
