/* A test kernel for jvirt's KVM engine. The command line picks one test ("test=NAME"); the result
   is printed on COM1 and reported through isa-debug-exit: 0 for pass (exit status 1), 1 for fail (3). */
#include "lib.h"
#include "workload.h"

struct start_info {                 /* struct hvm_start_info, version 1 */
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};
struct memmap_entry { uint64_t addr, size; uint32_t type, reserved; };

extern uint32_t start_info_pa;
extern const uint64_t isr_table[48];
extern char __tramp_lma[], __tramp_start[], __tramp_end[];

/* ---- console ---- */
static volatile int console_lock;
static void lock(void) { while (__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE)) __asm__ volatile("pause"); }
static void unlock(void) { __atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE); }
void putc(char c) {
    while (!(inb(0x3f8 + 5) & 0x20)) { }
    outb(0x3f8, c);
}
void puts(const char *s) { while (*s) putc(*s++); }
void puthex(uint64_t v) {
    char b[17];
    for (int i = 15; i >= 0; i--, v >>= 4) b[i] = "0123456789abcdef"[v & 15];
    b[16] = 0;
    const char *p = b;
    while (*p == '0' && p[1]) p++;
    puts(p);
}
void putdec(uint64_t v) {
    char b[21];
    int i = 20;
    b[i] = 0;
    do { b[--i] = '0' + v % 10; v /= 10; } while (v);
    puts(b + i);
}
void __attribute__((noreturn)) exit(uint32_t code) {
    outl(0xf4, code);
    for (;;) __asm__ volatile("cli; hlt");
}
void check(int ok, const char *what) {
    puts(ok ? "ok: " : "FAIL: ");
    puts(what);
    putc('\n');
    if (!ok) exit(1);
}

/* ---- command line ---- */
static const char *cmdline = "";
static const char *param(const char *key) {        /* value after "key=", or 0 */
    for (const char *p = cmdline; *p; p++) {
        if (p != cmdline && p[-1] != ' ') continue;
        const char *k = key, *q = p;
        while (*k && *q == *k) k++, q++;
        if (!*k && *q == '=') return q + 1;
    }
    return 0;
}
static int is(const char *v, const char *s) {
    while (*s && *v == *s) v++, s++;
    return !*s && (*v == 0 || *v == ' ');
}
static uint64_t number(const char *v, uint64_t dflt) {
    if (!v || *v < '0' || *v > '9') return dflt;
    uint64_t n = 0;
    while (*v >= '0' && *v <= '9') n = n * 10 + (*v++ - '0');
    return n;
}

/* ---- interrupts: IDT, 8259 PICs, local APIC ---- */
struct gate { uint16_t off0, sel; uint8_t ist, type; uint16_t off1; uint32_t off2, zero; };
static struct gate idt[48] __attribute__((aligned(16)));
volatile uint64_t ticks, uart_irqs, virtio_irqs, breakpoints;

void idt_init(void) {
    for (int v = 0; v < 48; v++) {
        uint64_t a = isr_table[v];
        idt[v] = (struct gate) { (uint16_t) a, 0x18, 0, 0x8e, (uint16_t) (a >> 16), (uint32_t) (a >> 32), 0 };
    }
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) p = { sizeof idt - 1, (uint64_t) idt };
    __asm__ volatile("lidt %0" :: "m"(p));
    /* The local APIC passes the PIC's output through LINT0 as ExtINT once software-enabled. */
    mmio_write32(LAPIC + 0xf0, 0x1ff);
    mmio_write32(LAPIC + 0x350, 0x700);
    /* Remap the PICs to vectors 0x20-0x2f and mask every line. */
    outb(0x20, 0x11); outb(0xa0, 0x11);
    outb(0x21, 0x20); outb(0xa1, 0x28);
    outb(0x21, 4); outb(0xa1, 2);
    outb(0x21, 1); outb(0xa1, 1);
    outb(0x21, 0xff); outb(0xa1, 0xff);
}
void unmask(int irq) {
    if (irq < 8) outb(0x21, inb(0x21) & ~(1 << irq));
    else { outb(0xa1, inb(0xa1) & ~(1 << (irq - 8))); outb(0x21, inb(0x21) & ~4); }
}

void interrupt(uint32_t vector) {
    if (vector == 3) { breakpoints++; return; }
    if (vector < 32) {
        puts("FAIL: exception ");
        putdec(vector);
        putc('\n');
        exit(1);
    }
    if (vector == 0x20) ticks++;
    if (vector == 0x24) { uart_irqs++; (void) inb(0x3f8 + 2); outb(0x3f8 + 1, 0); } /* IIR read acknowledges THRE */
    if (vector == 0x25) { virtio_irqs++; mmio_write32(VIRTIO + 0x64, mmio_read32(VIRTIO + 0x60)); }
    if (vector >= 0x28) outb(0xa0, 0x20);
    outb(0x20, 0x20);
}
void wait_for_interrupt(void) { __asm__ volatile("sti; hlt; cli"); }

/* ---- tests ---- */
static void test_hello(struct start_info *si) {
    outb(0x505, 1); /* the boot marker */
    puts("hello from an x86-64 PVH guest\n");
    check(si->magic == 0x336ec578, "start_info magic");
    puts("memory map:");
    struct memmap_entry *m = (struct memmap_entry *) si->memmap_paddr;
    for (uint32_t i = 0; i < si->memmap_entries; i++) {
        puts(" ");
        puthex(m[i].addr);
        puts("+");
        puthex(m[i].size);
        puts(m[i].type == 1 ? "(ram)" : "(reserved)");
    }
    puts("\ncommand line: ");
    puts(cmdline);
    putc('\n');
    if (si->nr_modules) {
        uint64_t *mod = (uint64_t *) si->modlist_paddr;
        puts("module: ");
        const char *text = (const char *) mod[0];
        for (uint64_t i = 0; i < mod[1] && i < 64; i++) putc(text[i]);
        putc('\n');
    }
}

static void test_pio(void) {
    static const char msg[] = "rep outsb reached the uart\n";
    __asm__ volatile("rep outsb" :: "S"(msg), "c"(sizeof msg - 1), "d"(0x3f8) : "memory");
    check(inb(0x2fd) == 0xff && inw(0x2fc) == 0xffff && inl(0x2f8) == 0xffffffffu, "an unassigned port reads as all ones");
    static uint8_t buf[8];
    __asm__ volatile("insb" :: "D"(buf), "d"(0x2f8) : "memory");
    check(buf[0] == 0xff, "insb from an unassigned port");
    __asm__ volatile("rep insb" :: "D"(buf), "c"(sizeof buf), "d"(0x2f8) : "memory");
    check(buf[0] == 0xff && buf[7] == 0xff, "rep insb from an unassigned port");
    outb(0x3f8 + 7, 0x5a);
    check(inb(0x3f8 + 7) == 0x5a, "the uart scratch register keeps a byte");
}

static void test_mmio(void) {
    check(mmio_read32(VIRTIO) == 0x74726976, "virtio-mmio magic at 0xd0000000");
    check(mmio_read32(VIRTIO + 8) == 4, "virtio device id 4 (entropy)");
    check(mmio_read32(0xe0000000ull) == 0xffffffffu, "unassigned MMIO reads as all ones");
    mmio_write32(0xe0000000ull, 1234);
    check(*(volatile uint64_t *) 0xe0001000ull == ~0ull, "an 8-byte unassigned read");
    check((mmio_read32(LAPIC + 0x30) & 0xff) != 0, "the in-kernel local APIC answers (version register)");
}

static void test_cpuid(uint32_t apic) {
    uint32_t r[4];
    char vendor[13];
    cpuid(0, r);
    *(uint32_t *) vendor = r[1]; *(uint32_t *) (vendor + 4) = r[3]; *(uint32_t *) (vendor + 8) = r[2];
    vendor[12] = 0;
    puts("cpuid vendor: ");
    puts(vendor);
    putc('\n');
    cpuid(1, r);
    check(r[2] >> 31, "cpuid.1 reports a hypervisor");
    check((r[1] >> 24) == apic, "cpuid.1 apic id");
    cpuid(0x40000000, r);
    char sig[13];
    *(uint32_t *) sig = r[1]; *(uint32_t *) (sig + 4) = r[2]; *(uint32_t *) (sig + 8) = r[3];
    sig[12] = 0;
    puts("hypervisor: ");
    puts(sig);
    putc('\n');
}

static volatile uint32_t cpus_up;
static void ap_main(uint32_t apic) {
    lock();
    puts("cpu ");
    putdec(apic);
    puts(" up\n");
    unlock();
    __atomic_add_fetch(&cpus_up, 1, __ATOMIC_SEQ_CST);
}
static void delay(uint64_t n) { for (volatile uint64_t i = 0; i < n; i++) { } }
/* Processors listed in the VMM's MP table (floating pointer "_MP_" at 0xf0000), as Linux counts them. */
static uint32_t mp_processors(void) {
    const uint8_t *fp = (const uint8_t *) 0xf0000;
    if (fp[0] != '_' || fp[1] != 'M' || fp[2] != 'P' || fp[3] != '_') return 0;
    const uint8_t *t = (const uint8_t *) (uint64_t) *(const uint32_t *) (fp + 4);
    uint16_t entries = *(const uint16_t *) (t + 34);
    uint32_t n = 0;
    const uint8_t *e = t + 44;
    for (uint16_t i = 0; i < entries; i++) {
        if (e[0] == 0) n++;
        e += e[0] == 0 ? 20 : 8;
    }
    return n;
}

static void test_smp(void) {
    uint32_t n = mp_processors();
    check(n == number(param("cpus"), n), "the MP table lists cpus= processors");
    if (n > 8) n = 8;
    for (char *s = __tramp_lma, *d = (char *) 0x8000; s < __tramp_lma + (__tramp_end - __tramp_start); ) *d++ = *s++;
    for (uint32_t id = 1; id < n; id++) {
        mmio_write32(LAPIC + 0x310, id << 24);
        mmio_write32(LAPIC + 0x300, 0x4500);            /* INIT */
        delay(10000);
        for (int k = 0; k < 2; k++) {
            mmio_write32(LAPIC + 0x310, id << 24);
            mmio_write32(LAPIC + 0x300, 0x4600 | 0x08);  /* STARTUP at 0x8000 */
            delay(1000);
        }
    }
    for (uint64_t spin = 0; cpus_up < n - 1 && spin < 2000000000ull; spin++) __asm__ volatile("pause");
    lock();
    check(cpus_up == n - 1, "every AP reached long mode");
    puts("smp: ");
    putdec(cpus_up + 1);
    puts(" cpus up\n");
    unlock();
}

static void test_irq(void) {
    idt_init();
    outb(0x43, 0x34);                      /* PIT channel 0, rate generator */
    outb(0x40, 1193 & 0xff);               /* 1000 Hz */
    outb(0x40, 1193 >> 8);
    unmask(0);
    unmask(4);
    while (ticks < 20) wait_for_interrupt();
    check(1, "20 timer interrupts from the in-kernel PIT");
    outb(0x3f8 + 4, 0x08);                 /* OUT2: the PC's UART interrupt gate */
    outb(0x3f8 + 1, 0x02);                 /* THR empty interrupt: raised at once */
    while (uart_irqs == 0) wait_for_interrupt();
    check(1, "a uart interrupt through KVM_IRQ_LINE and the PIC");
}

/* Instructions Linux executes early that a KVM without full hardware support must emulate: the
   Linux end-to-end tests run this first and skip, with the reason, where the host cannot. */
static void test_linuxprobe(void) {
    idt_init();
    __asm__ volatile("int3");
    check(breakpoints == 1, "int3 delivered to the guest's handler");
    static uint64_t pair[2] __attribute__((aligned(16))) = { 1, 2 };
    uint64_t lo = 1, hi = 2;
    __asm__ volatile("lock cmpxchg16b %0" : "+m"(*(volatile uint64_t (*)[2]) pair), "+a"(lo), "+d"(hi) : "b"(3ull), "c"(4ull) : "cc", "memory");
    check(pair[0] == 3 && pair[1] == 4, "cmpxchg16b");
    uint32_t r[4];
    cpuid(1, r);
    if (r[2] & (1u << 26)) {
        uint64_t cr4;
        __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
        __asm__ volatile("mov %0, %%cr4" :: "r"(cr4 | (1 << 18) | (1 << 9)));   /* OSXSAVE, OSFXSR */
        __asm__ volatile("xsetbv" :: "c"(0), "a"(3), "d"(0));
        static uint8_t area[4096] __attribute__((aligned(64)));
        __asm__ volatile("xsave %0" : "+m"(area) : "a"(3), "d"(0));
        __asm__ volatile("xrstor %0" :: "m"(area), "a"(3), "d"(0));
        check(1, "xsave and xrstor");
    }
}

static void test_bench(void) {
    uint64_t n = number(param("iterations"), 200000000ull);
    outb(0x505, 1);
    uint64_t sum = workload(n);
    puts("bench: ");
    putdec(n);
    puts(" iterations, checksum ");
    puthex(sum);
    putc('\n');
}

void kmain(uint32_t apic) {
    if (apic != 0) {
        ap_main(apic);
        return;
    }
    struct start_info *si = (struct start_info *) (uint64_t) start_info_pa;
    cmdline = (const char *) si->cmdline_paddr;
    const char *t = param("test");
    if (!t) t = "hello";
    if (is(t, "hello")) test_hello(si);
    else if (is(t, "pio")) test_pio();
    else if (is(t, "mmio")) test_mmio();
    else if (is(t, "cpuid")) test_cpuid(apic);
    else if (is(t, "smp")) test_smp();
    else if (is(t, "irq")) test_irq();
    else if (is(t, "virtio")) test_virtio();
    else if (is(t, "bench")) test_bench();
    else if (is(t, "linuxprobe")) test_linuxprobe();
    else if (is(t, "repins")) {   /* rep insb with a count: hangs under this project's kvm_pvm host, QEMU too */
        static uint8_t buf[8];
        __asm__ volatile("rep insb" :: "D"(buf), "c"(sizeof buf), "d"(0x2f8) : "memory");
        check(buf[0] == 0xff && buf[7] == 0xff, "rep insb from an unassigned port");
    }
    else if (is(t, "reset")) { puts("resetting through the i8042\n"); outb(0x64, 0xfe); }
    else if (is(t, "triple")) {
        puts("triple fault\n");
        struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };
        /* a #GP (non-canonical address) with no IDT: #GP, #DF, shutdown */
        __asm__ volatile("lidt %0; movq 0x8000000000000000, %%rax" :: "m"(none) : "rax");
    } else if (is(t, "spin")) { for (;;) { } }
    else if (is(t, "flood")) {    /* a hostile guest: endless exits to ports and addresses nothing owns */
        for (uint64_t i = 0;; i++) {
            outb(0x1234 + (i & 0xff), (uint8_t) i);
            mmio_write32(0xe0000000ull + ((i * 4096) & 0x0fffffff), (uint32_t) i);
            (void) mmio_read32(0xfffff000ull - ((i * 8) & 0xffff));
        }
    }
    else { puts("unknown test\n"); exit(1); }
    puts("done\n");
    exit(0);
}
