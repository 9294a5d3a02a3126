/* What the test kernel's files share: port and MMIO access, the console, the interrupt set-up. */
#include <stdint.h>

static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(p)); }
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint16_t inw(uint16_t p) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *) a; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *) a = v; }
static inline void cpuid(uint32_t leaf, uint32_t r[4]) {
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

#define LAPIC 0xfee00000ull
#define VIRTIO 0xd0000000ull

void putc(char c);
void puts(const char *s);
void puthex(uint64_t v);
void putdec(uint64_t v);
void check(int ok, const char *what);
void __attribute__((noreturn)) exit(uint32_t code);
void idt_init(void);
void unmask(int irq);
void wait_for_interrupt(void);
extern volatile uint64_t ticks, uart_irqs, virtio_irqs, breakpoints;

void test_virtio(void);
