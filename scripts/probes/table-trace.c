/* Diagnostic probe (GPU machine, native driver only): LD_PRELOAD it into a
 * program to log every call of every slot of one export table of the real
 * driver, with its arguments, the first 96 bytes each pointer-like argument
 * points at (before and after the call), and the result. The table is
 * patched in place (slots other than the integrity slot are not checked by
 * cudart), so every library that asks for it gets the logging slots.
 * Environment: TABLE_TRACE_UUID (32 hex digits, default the tools-context
 * table 21318c60...), TABLE_TRACE_LOG (default stderr), TABLE_TRACE_HOOK
 * ("SLOT:ARG": that argument of that slot is a function pointer the
 * client registers; it is replaced by a logging wrapper, so the driver's
 * later calls of it are logged too).
 * Build: cc -O2 -shared -fPIC table-trace.c -o table-trace.so -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#define SLOTS 128
#ifndef TABLE_TRACE_DUMP
#define TABLE_TRACE_DUMP 96
#endif
typedef uint64_t (*slot_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
static slot_fn orig[SLOTS];
static FILE *out;
static char uuid_text[40];

static void dump(const char *when, int i, uint64_t p) {
    unsigned char b[TABLE_TRACE_DUMP];
    struct iovec local = {b, sizeof b}, remote = {(void *)p, sizeof b};
    if (p < 0x10000 || process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != (ssize_t)sizeof b) return;
    fprintf(out, "    %s arg%d -> ", when, i);
    for (unsigned k = 0; k < sizeof b; k++) fprintf(out, "%02x%s", b[k], k % 8 == 7 ? " " : "");
    fprintf(out, "\n");
}

static slot_fn hooked;
static int hook_slot = -1, hook_arg = -1;

static uint64_t hook_wrapper(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5) {
    uint64_t a[6] = {a0, a1, a2, a3, a4, a5};
    fprintf(out, "registered function called (%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", a0, a1, a2, a3, a4, a5);
    for (int i = 0; i < 6; i++) dump("before", i, a[i]);
    fflush(out);
    uint64_t r = hooked(a0, a1, a2, a3, a4, a5);
    fprintf(out, "  registered function -> %#lx\n", r);
    fflush(out);
    return r;
}

static uint64_t logged(int slot, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5) {
    uint64_t a[6] = {a0, a1, a2, a3, a4, a5};
    fprintf(out, "table %s slot %d (%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", uuid_text, slot, a0, a1, a2, a3, a4, a5);
    for (int i = 0; i < 6; i++) dump("before", i, a[i]);
    if (slot == hook_slot && hook_arg >= 0 && hook_arg < 6 && a[hook_arg]) {
        hooked = (slot_fn)a[hook_arg];
        a[hook_arg] = (uint64_t)hook_wrapper;
        fprintf(out, "  (argument %d replaced by a logging wrapper)\n", hook_arg);
    }
    fflush(out);
    uint64_t r = orig[slot](a[0], a[1], a[2], a[3], a[4], a[5]);
    fprintf(out, "  -> %#lx\n", r);
    for (int i = 0; i < 6; i++) dump("after ", i, a[i]);
    fflush(out);
    return r;
}

#define S(n) static uint64_t s##n(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f) { return logged(n, a, b, c, d, e, f); }
#define S10(t) S(t##0) S(t##1) S(t##2) S(t##3) S(t##4) S(t##5) S(t##6) S(t##7) S(t##8) S(t##9)
S(0) S(1) S(2) S(3) S(4) S(5) S(6) S(7) S(8) S(9)
S10(1) S10(2) S10(3) S10(4) S10(5) S10(6) S10(7) S10(8) S10(9) S10(10) S10(11)
S(120) S(121) S(122) S(123) S(124) S(125) S(126) S(127)
#define R(n) s##n
#define R10(t) R(t##0), R(t##1), R(t##2), R(t##3), R(t##4), R(t##5), R(t##6), R(t##7), R(t##8), R(t##9)
static slot_fn wrappers[SLOTS] = {R(0), R(1), R(2), R(3), R(4), R(5), R(6), R(7), R(8), R(9), R10(1), R10(2), R10(3),
    R10(4), R10(5), R10(6), R10(7), R10(8), R10(9), R10(10), R10(11), R(120), R(121), R(122), R(123), R(124), R(125),
    R(126), R(127)};

__attribute__((constructor)) static void patch(void) {
    const char *u = getenv("TABLE_TRACE_UUID");
    if (!u) u = "21318c60971432488ca641ff7324c8f2";
    snprintf(uuid_text, sizeof uuid_text, "%.8s", u);
    const char *hook = getenv("TABLE_TRACE_HOOK");
    if (hook) sscanf(hook, "%d:%d", &hook_slot, &hook_arg);
    const char *path = getenv("TABLE_TRACE_LOG");
    out = path ? fopen(path, "a") : stderr;
    if (!out) out = stderr;
    unsigned char id[16];
    for (int i = 0; i < 16; i++) sscanf(u + 2 * i, "%2hhx", &id[i]);
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    int (*get)(const void **, const unsigned char *) = lib ? dlsym(lib, "cuGetExportTable") : NULL;
    const void *table = NULL;
    if (!get || get(&table, id) != 0 || !table) {
        fprintf(out, "table-trace: cannot get table %s\n", u);
        return;
    }
    uint64_t *t = (uint64_t *)table;
    size_t slots = t[0] / 8;
    if (slots > SLOTS) slots = SLOTS;
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)t & ~(uintptr_t)(page - 1);
    if (mprotect((void *)start, ((uintptr_t)(t + slots) - start + page - 1) / page * page, PROT_READ | PROT_WRITE) != 0) {
        fprintf(out, "table-trace: mprotect failed\n");
        return;
    }
    for (size_t i = 1; i < slots; i++) {
        if (!t[i]) continue;
        orig[i] = (slot_fn)t[i];
        t[i] = (uint64_t)wrappers[i];
    }
    fprintf(out, "table-trace: table %s at %p, %zu slots patched\n", u, table, slots - 1);
    fflush(out);
}
