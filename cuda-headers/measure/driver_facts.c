#define _GNU_SOURCE
/* Measures facts of the real libcuda that the guest library must reproduce
 * locally: error names and strings, and the edge cases of cuGetProcAddress.
 * Build: gcc -I<cuda include> driver_facts.c -o driver_facts -ldl
 * Run on a machine with the real driver; output is tab-separated. */
#include <cuda.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef CUresult (*name_fn)(CUresult, const char **);
typedef CUresult (*gpa1_fn)(const char *, void **, int, cuuint64_t);
typedef CUresult (*gpa2_fn)(const char *, void **, int, cuuint64_t, CUdriverProcAddressQueryResult *);
typedef CUresult (*ver_fn)(int *);
typedef CUresult (*init_fn)(unsigned);

static void *lib;

static const char *symname(void *p) {
    Dl_info info;
    if (!p) return "NULL";
    if (dladdr(p, &info) && info.dli_sname) return info.dli_sname;
    return "?";
}

static void gpa(const char *tag, const char *name, int ver, cuuint64_t flags, int with_status) {
    gpa2_fn g2 = (gpa2_fn)dlsym(lib, "cuGetProcAddress_v2");
    void *p = (void *)0x1;
    CUdriverProcAddressQueryResult st = (CUdriverProcAddressQueryResult)77;
    CUresult r = g2(name, &p, ver, flags, with_status ? &st : NULL);
    printf("gpa2\t%s\t%s\t%d\t%llu\tstatus_ptr=%d\trc=%d\tsym=%s\tst=%d\n", tag, name ? name : "(null)", ver,
           (unsigned long long)flags, with_status, (int)r, p == (void *)0x1 ? "untouched" : symname(p), (int)st);
}

static void gpa1(const char *tag, const char *name, int ver, cuuint64_t flags) {
    gpa1_fn g1 = (gpa1_fn)dlsym(lib, "cuGetProcAddress");
    void *p = (void *)0x1;
    CUresult r = g1(name, &p, ver, flags);
    printf("gpa1\t%s\t%s\t%d\t%llu\trc=%d\tsym=%s\n", tag, name ? name : "(null)", ver, (unsigned long long)flags, (int)r,
           p == (void *)0x1 ? "untouched" : symname(p));
}

static void gpa_probe(const char *when) {
    gpa(when, "cuMemAlloc", 13000, 0, 1);
    gpa(when, "cuMemAlloc", 13000, 1, 1);
    gpa(when, "cuMemAlloc", 13000, 2, 1);
    gpa(when, "cuMemAlloc", 13000, 3, 1);
    gpa(when, "cuMemAlloc", 13000, 4, 1);
    gpa(when, "cuMemcpyHtoD", 13000, 1, 1);
    gpa(when, "cuMemcpyHtoD", 13000, 3, 1);
    gpa(when, "cuMemAlloc", 0, 0, 1);
    gpa(when, "cuMemAlloc", 1999, 0, 1);
    gpa(when, "cuMemAlloc", 99999, 0, 1);
    gpa(when, "cuMemAlloc", -1, 0, 1);
    gpa(when, "cuMemAlloc_v2", 13000, 0, 1);
    gpa(when, "cuMemcpyHtoD_v2_ptds", 13000, 0, 1);
    gpa(when, "cuNoSuchFunction", 13000, 0, 1);
    gpa(when, "cuNoSuchFunction", 13000, 0, 0);
    gpa(when, "cuGetProcAddress", 11000, 0, 0);
    gpa(when, "cuGetProcAddress", 11000, 0, 1);
    gpa(when, "", 13000, 0, 1);
    if (fork() == 0) { gpa(when, NULL, 13000, 0, 1); _exit(0); } else { int ws; wait(&ws); if (!WIFEXITED(ws)) printf("gpa2\t%s\t(null)\tcrashed\n", when); }
    gpa(when, "cuInit", 13000, 0, 1);
    gpa(when, "cuinit", 13000, 0, 1);
    gpa(when, "cudbgApiClientPid", 13000, 0, 1);
    if (fork() == 0) {
        gpa2_fn g2 = (gpa2_fn)dlsym(lib, "cuGetProcAddress_v2");
        CUdriverProcAddressQueryResult st = (CUdriverProcAddressQueryResult)77;
        CUresult r = g2("cuInit", NULL, 13000, 0, &st);
        printf("gpa2\t%s\tcuInit\tpfn=NULL\trc=%d\tst=%d\n", when, (int)r, (int)st);
        _exit(0);
    } else { int ws; wait(&ws); if (!WIFEXITED(ws)) printf("gpa2\t%s\tcuInit pfn=NULL crashed\n", when); }
    gpa1(when, "cuMemAlloc", 13000, 0);
    gpa1(when, "cuMemAlloc", 13000, 2);
    gpa1(when, "cuMemAlloc", 13000, 3);
    gpa1(when, "cuNoSuchFunction", 13000, 0);
    gpa1(when, "cuGetProcAddress", 11000, 0);
    gpa1(when, "cuMemAlloc", 1000, 0);
    if (fork() == 0) { gpa1(when, NULL, 13000, 0); _exit(0); } else { int ws; wait(&ws); if (!WIFEXITED(ws)) printf("gpa1\t%s\t(null)\tcrashed\n", when); }
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    lib = dlopen("libcuda.so.1", RTLD_NOW);
    if (!lib) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 1; }
    name_fn gname = (name_fn)dlsym(lib, "cuGetErrorName");
    name_fn gstr = (name_fn)dlsym(lib, "cuGetErrorString");
    ver_fn dver = (ver_fn)dlsym(lib, "cuDriverGetVersion");
    init_fn init = (init_fn)dlsym(lib, "cuInit");
    int v = -1;
    CUresult r = dver(&v);
    printf("driverversion\tbefore_init\trc=%d\tversion=%d\n", (int)r, v);
    if (fork() == 0) { printf("driverversion\tnull\trc=%d\n", (int)dver(NULL)); _exit(0); } else { int ws; wait(&ws); if (!WIFEXITED(ws)) printf("driverversion\tnull\tcrashed\n"); }
    for (int e = 0; e < 1100; e++) {
        const char *n = (const char *)0x1, *s = (const char *)0x1;
        CUresult rn = gname((CUresult)e, &n);
        CUresult rs = gstr((CUresult)e, &s);
        if (rn == CUDA_SUCCESS || rs == CUDA_SUCCESS || e < 3 || e == 1099)
            printf("error\t%d\t%d\t%s\t%d\t%s\n", e, (int)rn, n == (const char *)0x1 ? "untouched" : (n ? n : "NULL"),
                   (int)rs, s == (const char *)0x1 ? "untouched" : (s ? s : "NULL"));
    }
    if (fork() == 0) { printf("errorname_nullptr\trc=%d\n", (int)gname(CUDA_SUCCESS, NULL));
    _exit(0); } else { int ws; wait(&ws); if (!WIFEXITED(ws)) printf("errorname_nullptr\tcrashed\n"); }
    if (fork() == 0) { printf("errorstring_nullptr\trc=%d\n", (int)gstr(CUDA_SUCCESS, NULL)); _exit(0); } else { int ws; wait(&ws); if (!WIFEXITED(ws)) printf("errorstring_nullptr\tcrashed\n"); }
    gpa_probe("before_init");
    printf("init\trc=%d\n", (int)init(0));
    printf("init_flags1\trc=%d\n", (int)init(1));
    gpa_probe("after_init");
    return 0;
}
