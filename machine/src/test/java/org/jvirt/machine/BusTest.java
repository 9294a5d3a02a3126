package org.jvirt.machine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusTest {
    static final class Regs implements MmioDevice {
        final List<String> log = new ArrayList<>();
        public String name() { return "regs"; }
        public long read(long offset, int size) { log.add("r" + offset + "/" + size); return 0xabcd; }
        public void write(long offset, int size, long value) { log.add("w" + offset + "/" + size + "=" + value); }
    }

    @Test
    void routesRamAndDevices() {
        try (GuestMemory ram = GuestMemory.allocate(0x8000_0000L, 1 << 16)) {
            Bus bus = new Bus(ram);
            Regs regs = new Regs();
            bus.map(0x1000_0000L, 0x100, regs);
            long[] out = new long[1];
            assertTrue(bus.write(0x8000_0008L, 8, 0x0102030405060708L));
            assertTrue(bus.read(0x8000_0008L, 2, out));
            assertEquals(0x0708, out[0]);
            assertTrue(bus.read(0x1000_0010L, 4, out));
            assertEquals(0xabcd, out[0]);
            assertTrue(bus.write(0x1000_0004L, 1, 7));
            assertEquals(List.of("r16/4", "w4/1=7"), regs.log);
            assertFalse(bus.read(0x1000_0100L, 4, out), "past the window");
            assertFalse(bus.read(0x1000_00feL, 4, out), "straddles the window's end");
            assertFalse(bus.write(0x7fff_fffcL, 8, 0), "straddles the start of RAM");
            assertEquals(2, bus.accessCount(bus.regions().get(0)));
        }
    }

    @Test
    void refusesOverlaps() {
        try (GuestMemory ram = GuestMemory.allocate(0x8000_0000L, 1 << 16)) {
            Bus bus = new Bus(ram);
            bus.map(0x1000, 0x1000, new Regs());
            assertThrows(IllegalArgumentException.class, () -> bus.map(0x1800, 0x1000, new Regs()));
            assertThrows(IllegalArgumentException.class, () -> bus.map(0x8000_0000L, 0x10, new Regs()));
        }
    }

    @Test
    void watchedRamSeesStores() {
        try (GuestMemory ram = GuestMemory.allocate(0x8000_0000L, 1 << 16)) {
            Bus bus = new Bus(ram);
            List<Long> seen = new ArrayList<>();
            bus.watchWrites(0x8000_1000L, 8, (a, len, v) -> seen.add(v));
            assertTrue(bus.isWatchedPage(0x8000_1000L));
            assertFalse(bus.isWatchedPage(0x8000_2000L));
            bus.write(0x8000_1004L, 4, 5);
            bus.write(0x8000_1008L, 4, 6); // just past the watched range
            assertEquals(List.of(5L), seen);
            assertEquals(5L << 32, ram.readLong(0x8000_1000L));
        }
    }

    @Test
    void hostClockCountsAtItsFrequency() throws Exception {
        Clock c = Clock.host(10_000_000);
        long a = c.ticks();
        Thread.sleep(20);
        long b = c.ticks();
        assertTrue(b - a >= 190_000, "20 ms at 10 MHz is at least 200k ticks, got " + (b - a));
    }
}
