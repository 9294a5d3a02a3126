package org.jvirt.riscv.board;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RiscvMachineTest {
    /** Harts reach RAM by host address without the JVM's checks: freeing it under them must be refused. */
    @Test
    void ramIsNotFreedWhileAHartRuns() throws Exception {
        RiscvMachine m = new RiscvMachine(16L << 20, 1, OutputStream.nullOutputStream());
        m.ram().writeInt(RiscvMachine.RAM_BASE, 0x0000_006f); // j . : runs until stopped
        m.harts().getFirst().pc = RiscvMachine.RAM_BASE;
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Thread runner = Thread.ofPlatform().start(() -> outcome.complete(m.run(0, 0)));
        while (m.instructions() == 0) Thread.sleep(1);
        assertThrows(IllegalStateException.class, m::close);
        m.stop(0);
        assertEquals(new Outcome.Exited(0), outcome.get(10, SECONDS));
        runner.join();
        m.close(); // stopped: now it may
    }
}
