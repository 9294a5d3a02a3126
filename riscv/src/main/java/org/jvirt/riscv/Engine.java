package org.jvirt.riscv;

/** How a hart executes guest code. */
public enum Engine {
    /** Fetch, decode, execute: the emulation engine. */
    INTERP("interp"),
    /** Hot code translated to JVM bytecode, cold code interpreted: the binary-translation engine. */
    DBT("dbt");

    public final String id;

    Engine(String id) { this.id = id; }

    /** The engine harts start with: -Djvirt.engine=interp|dbt, else the translator. */
    public static final Engine DEFAULT = of(System.getProperty("jvirt.engine", "interp"));

    /** The engine called {@code id}, or an IllegalArgumentException naming the choices. */
    public static Engine of(String id) {
        for (Engine e : values()) if (e.id.equals(id)) return e;
        throw new IllegalArgumentException("unknown engine '" + id + "': choose interp or dbt");
    }
}
