/* A minimal virtio-mmio block driver (virtio 1.2, sections 4.2 and 5.2): one queue of 8
   descriptors, each request waited for by interrupt; the test reads sector 0 and writes sector 1. */
#include "lib.h"

struct desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct avail { uint16_t flags, idx, ring[8], used_event; };
struct used { uint16_t flags, idx; struct { uint32_t id, len; } ring[8]; uint16_t avail_event; };
static struct desc vq_desc[8] __attribute__((aligned(4096)));
static struct avail vq_avail __attribute__((aligned(4096)));
static struct used vq_used __attribute__((aligned(4096)));
static struct { uint32_t type, reserved; uint64_t sector; } req;
static uint8_t sector_buf[512] __attribute__((aligned(512)));
static volatile uint8_t req_status;

static int blk_request(uint32_t type, uint64_t sector) {
    req.type = type;
    req.sector = sector;
    req_status = 0xff;
    vq_desc[0] = (struct desc) { (uint64_t) &req, 16, 1, 1 };
    vq_desc[1] = (struct desc) { (uint64_t) sector_buf, 512, (uint16_t) (1 | (type == 0 ? 2 : 0)), 2 };
    vq_desc[2] = (struct desc) { (uint64_t) &req_status, 1, 2, 0 };
    uint16_t seen = vq_used.idx;
    uint64_t irqs = virtio_irqs;
    vq_avail.ring[vq_avail.idx % 8] = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    vq_avail.idx++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    mmio_write32(VIRTIO + 0x50, 0);
    /* The device completes the request during the notifying exit; wait for its interrupt as well. */
    while (*(volatile uint16_t *) &vq_used.idx == seen || virtio_irqs == irqs) wait_for_interrupt();
    return req_status;
}

void test_virtio(void) {
    idt_init();
    unmask(5);
    check(mmio_read32(VIRTIO) == 0x74726976 && mmio_read32(VIRTIO + 4) == 2 && mmio_read32(VIRTIO + 8) == 2, "a virtio-mmio v2 block device");
    mmio_write32(VIRTIO + 0x70, 0);
    mmio_write32(VIRTIO + 0x70, 1 | 2);
    mmio_write32(VIRTIO + 0x24, 1);
    mmio_write32(VIRTIO + 0x20, 1);        /* VIRTIO_F_VERSION_1 (bit 32) only */
    mmio_write32(VIRTIO + 0x24, 0);
    mmio_write32(VIRTIO + 0x20, 0);
    mmio_write32(VIRTIO + 0x70, 1 | 2 | 8);
    check(mmio_read32(VIRTIO + 0x70) & 8, "features accepted");
    mmio_write32(VIRTIO + 0x30, 0);
    check(mmio_read32(VIRTIO + 0x34) >= 8, "queue 0 holds 8 descriptors");
    mmio_write32(VIRTIO + 0x38, 8);
    mmio_write32(VIRTIO + 0x80, (uint32_t) (uint64_t) vq_desc);
    mmio_write32(VIRTIO + 0x84, 0);
    mmio_write32(VIRTIO + 0x90, (uint32_t) (uint64_t) &vq_avail);
    mmio_write32(VIRTIO + 0x94, 0);
    mmio_write32(VIRTIO + 0xa0, (uint32_t) (uint64_t) &vq_used);
    mmio_write32(VIRTIO + 0xa4, 0);
    mmio_write32(VIRTIO + 0x44, 1);
    mmio_write32(VIRTIO + 0x70, 1 | 2 | 8 | 4);
    uint64_t capacity = mmio_read32(VIRTIO + 0x100) | (uint64_t) mmio_read32(VIRTIO + 0x104) << 32;
    puts("disk: ");
    putdec(capacity);
    puts(" sectors\n");
    check(blk_request(0, 0) == 0, "read sector 0");
    puts("sector 0 says: ");
    for (int i = 0; i < 40 && sector_buf[i] >= ' ' && sector_buf[i] < 127; i++) putc(sector_buf[i]);
    putc('\n');
    static const char msg[] = "written by the x86 guest over virtio-blk";
    for (int i = 0; i < 512; i++) sector_buf[i] = i < (int) sizeof msg ? msg[i] : (uint8_t) i;
    check(blk_request(1, 1) == 0, "write sector 1");
    check(blk_request(4, 0) == 0, "flush");
    check(virtio_irqs >= 3, "each request completed with an interrupt");
}
