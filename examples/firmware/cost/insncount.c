/*
 * insncount: a QEMU TCG plugin that counts the guest instructions executed
 * between two marker addresses (system emulation, one vCPU).
 *
 *   qemu-system-arm ... -plugin insncount.so,begin=0xADDR,end=0xADDR -d plugin -D LOG
 *
 * A window opens when the instruction at `begin` executes and closes when
 * the one at `end` executes; it counts every instruction from `begin`
 * (included) to `end` (excluded). For each window the plugin logs one line:
 *
 *   window N insns=COUNT bytes=UNIQUE_CODE_BYTES mnemonics=M1:C1:T1,M2:C2:T2,...
 *
 * `bytes` sums the sizes of the distinct instructions executed in the
 * window (the code the window touched); `mnemonics` counts the executed
 * instructions by the first word of QEMU's disassembly, with the number of
 * registers appended for register lists (`push{5}`, `pop{3+pc}`), and T of
 * them transferred control (the next instruction executed was not the
 * following one: a taken branch). Both feed cost.py's cycle estimates. Built against QEMU's plugin API version 1 (QEMU 7.x); the
 * few declarations it needs are written out below, so no QEMU headers are
 * needed, only a C compiler: see cost.sh.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- QEMU plugin API, version 1 (the subset used here) --- */
#define EXPORT __attribute__((visibility("default")))
typedef uint64_t qemu_plugin_id_t;
typedef struct {
    const char *target_name;
    struct {
        int min;
        int cur;
    } version;
    bool system_emulation;
    union {
        struct {
            int smp_vcpus;
            int max_vcpus;
        } system;
    };
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
typedef void (*tb_trans_cb)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*vcpu_udata_cb)(unsigned int, void *);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, tb_trans_cb);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *, vcpu_udata_cb,
                                            enum qemu_plugin_cb_flags, void *);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *, size_t);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *);
char *qemu_plugin_insn_disas(const struct qemu_plugin_insn *);
void qemu_plugin_outs(const char *);
EXPORT int qemu_plugin_version = 1;
/* --- end of the API --- */

#define MAX_MNEMONICS 512
#define SET_SLOTS (1u << 16) /* distinct instruction addresses per window */

/* One translated instruction: what its execution callback needs. */
struct insn {
    uint64_t vaddr;
    uint32_t size;
    uint32_t mnemonic; /* index into mnemonics[] */
};

static uint64_t begin_addr, end_addr;
static bool counting;
static unsigned window;
static uint64_t count;
static char *mnemonics[MAX_MNEMONICS];
static uint32_t n_mnemonics;
static uint64_t per_mnemonic[MAX_MNEMONICS];
static uint64_t taken[MAX_MNEMONICS];
/* The instruction executed before this one in the window (NULL at its start). */
static const struct insn *prev;
/* Open-addressing set of the addresses executed in the current window
 * (0 = empty; address 0 is the reset vector table, never code here). */
static uint64_t seen[SET_SLOTS];
static uint64_t unique_bytes;

/* Registers in the list `{r4, r5-r7, lr}` that starts at `list`; sets
 * `*has_pc` when pc is one of them. */
static unsigned list_registers(const char *list, bool *has_pc)
{
    unsigned n = 0;
    const char *p = list + 1;
    while (*p && *p != '}') {
        char first[8] = {0}, last[8] = {0};
        int lo = 0, hi = 0;
        size_t len = strcspn(p, ",}");
        if (len < 16 && sscanf(p, "%7[a-z]%d-%7[a-z]%d", first, &lo, last, &hi) == 4 && hi >= lo) {
            n += (unsigned)(hi - lo + 1);
        } else {
            n++;
            *has_pc |= strncmp(p, "pc", 2) == 0;
        }
        p += len;
        while (*p == ',' || *p == ' ') {
            p++;
        }
    }
    return n;
}

/* Index of the instruction's key (first word of `disas`, plus the register
 * count of a register list), added if new. */
static uint32_t mnemonic_index(const char *disas)
{
    char key[64];
    size_t n = strcspn(disas, " \t");
    const char *list = strchr(disas, '{');
    if (n > 40) {
        n = 40;
    }
    memcpy(key, disas, n);
    key[n] = 0;
    if (list) {
        bool has_pc = false;
        unsigned regs = list_registers(list, &has_pc);
        snprintf(key + n, sizeof key - n, "{%u%s}", regs, has_pc ? "+pc" : "");
    }
    for (uint32_t i = 0; i < n_mnemonics; i++) {
        if (strcmp(mnemonics[i], key) == 0) {
            return i;
        }
    }
    if (n_mnemonics == MAX_MNEMONICS) {
        return MAX_MNEMONICS - 1; /* the last slot collects the rest */
    }
    mnemonics[n_mnemonics] = strdup(key);
    return n_mnemonics++;
}

/* Adds `vaddr` to the window's set; true when it was new. */
static bool first_visit(uint64_t vaddr)
{
    uint64_t h = (vaddr * 0x9e3779b97f4a7c15ull) >> 48;
    for (uint32_t probe = 0; probe < SET_SLOTS; probe++) {
        uint64_t *slot = &seen[(h + probe) & (SET_SLOTS - 1)];
        if (*slot == vaddr) {
            return false;
        }
        if (*slot == 0) {
            *slot = vaddr;
            return true;
        }
    }
    return false; /* full: more than SET_SLOTS distinct instructions */
}

static void close_window(void)
{
    /* window line: fixed part, then "name:count" pairs */
    size_t cap = 128 + (size_t)n_mnemonics * 96, len = 0;
    char *line = malloc(cap);
    len += snprintf(line + len, cap - len, "window %u insns=%" PRIu64 " bytes=%" PRIu64 " mnemonics=",
                    window, count, unique_bytes);
    for (uint32_t i = 0; i < n_mnemonics; i++) {
        if (per_mnemonic[i]) {
            len += snprintf(line + len, cap - len, "%s%s:%" PRIu64 ":%" PRIu64,
                            line[len - 1] != '=' ? "," : "", mnemonics[i], per_mnemonic[i], taken[i]);
        }
    }
    snprintf(line + len, cap - len, "\n");
    qemu_plugin_outs(line);
    free(line);
    window++;
    counting = false;
}

static void on_exec(unsigned int vcpu, void *udata)
{
    const struct insn *in = udata;
    (void)vcpu;
    if (counting && prev && in->vaddr != prev->vaddr + prev->size) {
        taken[prev->mnemonic]++;
    }
    if (in->vaddr == end_addr && counting) {
        close_window();
    }
    if (in->vaddr == begin_addr) {
        counting = true;
        count = 0;
        unique_bytes = 0;
        memset(per_mnemonic, 0, sizeof per_mnemonic);
        memset(taken, 0, sizeof taken);
        prev = NULL;
        memset(seen, 0, sizeof seen);
    }
    if (counting) {
        count++;
        per_mnemonic[in->mnemonic]++;
        if (first_visit(in->vaddr)) {
            unique_bytes += in->size;
        }
        prev = in;
    }
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *qi = qemu_plugin_tb_get_insn(tb, i);
        /* Freed never: a translation block may run until QEMU exits. */
        struct insn *in = malloc(sizeof *in);
        char *disas = qemu_plugin_insn_disas(qi);
        in->vaddr = qemu_plugin_insn_vaddr(qi);
        in->size = (uint32_t)qemu_plugin_insn_size(qi);
        in->mnemonic = mnemonic_index(disas ? disas : "?");
        free(disas);
        qemu_plugin_register_vcpu_insn_exec_cb(qi, on_exec, QEMU_PLUGIN_CB_NO_REGS, in);
    }
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "begin=", 6) == 0) {
            begin_addr = strtoull(argv[i] + 6, NULL, 0);
        } else if (strncmp(argv[i], "end=", 4) == 0) {
            end_addr = strtoull(argv[i] + 4, NULL, 0);
        } else {
            fprintf(stderr, "insncount: unknown argument %s (begin=ADDR,end=ADDR)\n", argv[i]);
            return 1;
        }
    }
    if (!begin_addr || !end_addr || begin_addr == end_addr) {
        fprintf(stderr, "insncount: needs begin=ADDR,end=ADDR (two different addresses)\n");
        return 1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    return 0;
}
