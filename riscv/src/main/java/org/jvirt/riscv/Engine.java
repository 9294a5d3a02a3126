package org.jvirt.riscv;

/** How a hart executes guest code. */
public enum Engine {
    /** Fetch, decode, execute: the emulation engine. */
    INTERP("interp"),
    /** Hot code translated to JVM bytecode, cold code interpreted: the binary-translation engine. */
    DBT("dbt"),
    /** The translator, with every translated run done again by the interpreter and compared. */
    LOCKSTEP("lockstep");

    public final String id;

    Engine(String id) { this.id = id; }

    /** The engine harts start with: -Djvirt.engine=interp|dbt, else the translator. */
    public static final Engine DEFAULT = of(System.getProperty("jvirt.engine", "dbt"));

    /** The engine called {@code id}, or an IllegalArgumentException naming the choices. */
    public static Engine of(String id) {
        for (Engine e : values()) if (e.id.equals(id)) return e;
        throw new IllegalArgumentException("unknown engine '" + id + "': choose dbt, interp or lockstep");
    }
}
