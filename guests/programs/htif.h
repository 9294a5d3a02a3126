#ifndef HTIF_H
#define HTIF_H
void htif_putchar(char c);
void htif_puts(const char *s);
void htif_putu(unsigned long v);
void htif_puthex(unsigned long v);
void htif_exit(int status) __attribute__((noreturn));
#endif
