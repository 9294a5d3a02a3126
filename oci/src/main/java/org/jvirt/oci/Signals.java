package org.jvirt.oci;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * Sending signals to the container's processes. TERM and KILL go through ProcessHandle; any other
 * signal needs kill(2) through the FFM API, set up only then because its downcall handle costs tens
 * of milliseconds of start-up.
 */
final class Signals {
    private Signals() {}

    private static final class Kill {
        static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    /** Sends SIG to PID; false when there is no such process. */
    static boolean kill(int pid, int sig) {
        if (sig == 15 || sig == 9) {
            var h = ProcessHandle.of(pid);
            if (h.isEmpty()) return false;
            return sig == 9 ? h.get().destroyForcibly() : h.get().destroy();
        }
        try {
            return (int) Kill.KILL.invokeExact(pid, sig) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
