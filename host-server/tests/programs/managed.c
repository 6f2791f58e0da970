/* Managed memory through cuvm: one pointer for the CPU and the device; the
 * device sees what the CPU wrote before device work, the CPU sees what the
 * device wrote after synchronising. Prints one line per step. */
#include <cuda.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *name(CUresult r) {
    const char *n = "?";
    cuGetErrorName(r, &n);
    return n;
}

static int all(const unsigned char *p, size_t n, unsigned char v) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != v) return 0;
    return 1;
}

#define N (3 * 4096 + 100)

int main(void) {
    CUdevice dev;
    CUcontext ctx;
    CUstream s;
    if (cuInit(0) || cuDeviceGet(&dev, 0) || cuDevicePrimaryCtxRetain(&ctx, dev) || cuCtxSetCurrent(ctx) ||
        cuStreamCreate(&s, CU_STREAM_NON_BLOCKING)) {
        printf("setup failed\n");
        return 1;
    }
    int v = -1;
    cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY, dev);
    printf("managed memory: %d\n", v);
    CUdeviceptr m = 0, d = 0, b = 0;
    printf("alloc 0 bytes: %s\n", name(cuMemAllocManaged(&m, 0, CU_MEM_ATTACH_GLOBAL)));
    printf("alloc with bad flags: %s\n", name(cuMemAllocManaged(&m, N, 4)));
    printf("alloc managed: %s\n", name(cuMemAllocManaged(&m, N, CU_MEM_ATTACH_GLOBAL)));
    unsigned char *p = (unsigned char *)(uintptr_t)m;
    CUdeviceptr base = 0;
    size_t size = 0;
    printf("address range: %s\n", name(cuMemGetAddressRange(&base, &size, m + 10)));
    printf("it is the allocation: %s\n", base == m && size == N ? "yes" : "no");
    for (size_t i = 0; i < N; i++) p[i] = (unsigned char)(i * 7 + 3);
    static unsigned char want[N], back[N];
    memcpy(want, p, N);
    printf("alloc device memory: %s\n", name(cuMemAlloc(&d, N)));
    printf("copy managed -> device: %s\n", name(cuMemcpyDtoD(d, m, N)));
    printf("dtoh: %s\n", name(cuMemcpyDtoH(back, d, N)));
    printf("the device saw the CPU's bytes: %s\n", memcmp(back, want, N) == 0 ? "yes" : "no");
    printf("memset a page on the device: %s\n", name(cuMemsetD8(m + 4096, 0xab, 4096)));
    printf("the CPU sees the memset: %s\n", all(p + 4096, 4096, 0xab) ? "yes" : "no");
    printf("and the page before is as it was: %s\n", memcmp(p, want, 4096) == 0 ? "yes" : "no");
    printf("memset async on a stream: %s\n", name(cuMemsetD8Async(m + 8192, 0x5c, 4096, s)));
    printf("synchronize: %s\n", name(cuStreamSynchronize(s)));
    printf("the CPU sees it after synchronising: %s\n", all(p + 8192, 4096, 0x5c) ? "yes" : "no");
    unsigned char src[100];
    for (int i = 0; i < 100; i++) src[i] = (unsigned char)(200 - i);
    printf("htod into the last part: %s\n", name(cuMemcpyHtoD(m + 3 * 4096, src, 100)));
    printf("the CPU sees it: %s\n", memcmp(p + 3 * 4096, src, 100) == 0 ? "yes" : "no");
    p[5] = 0xee;
    p[3 * 4096 + 99] = 0x11;
    printf("copy managed -> device again: %s\n", name(cuMemcpyDtoD(d, m, N)));
    printf("dtoh: %s\n", name(cuMemcpyDtoH(back, d, N)));
    printf("the device saw the CPU's new writes: %s\n", back[5] == 0xee && back[3 * 4096 + 99] == 0x11 && back[4096] == 0xab ? "yes" : "no");
    printf("a second managed allocation: %s\n", name(cuMemAllocManaged(&b, 64, CU_MEM_ATTACH_HOST)));
    memset((void *)(uintptr_t)b, 0x42, 64);
    printf("copy it over the first: %s\n", name(cuMemcpyDtoD(m, b, 64)));
    printf("synchronize the context: %s\n", name(cuCtxSynchronize()));
    printf("the CPU sees the copy: %s\n", all(p, 64, 0x42) && p[64] == want[64] ? "yes" : "no");
    /* With a small page-locked buffer (mirrored by cuvm) changed too. */
    void *pinned = NULL;
    printf("page-locked buffer: %s\n", name(cuMemHostAlloc(&pinned, 4096, 0)));
    memset(pinned, 1, 4096);
    p[1] = 0x77;
    printf("dtoh into the page-locked buffer: %s\n", name(cuMemcpyDtoH(pinned, d, 4096)));
    printf("copy managed -> device with both changed: %s\n", name(cuMemcpyDtoD(d, m, 4096)));
    printf("dtoh: %s\n", name(cuMemcpyDtoH(back, d, 4096)));
    printf("the device saw it: %s\n", back[1] == 0x77 ? "yes" : "no");
    /* Written by a thread with no current context. */
    printf("no current context: %s\n", name(cuCtxSetCurrent(NULL)));
    p[7] = 0x5a;
    size_t total = 0;
    printf("a call without a context: %s\n", name(cuDeviceTotalMem(&total, dev)));
    printf("back to the context: %s\n", name(cuCtxSetCurrent(ctx)));
    printf("copy managed -> device after that: %s\n", name(cuMemcpyDtoD(d, m, 4096)));
    printf("dtoh: %s\n", name(cuMemcpyDtoH(back, d, 4096)));
    printf("the write made without a context reached the device: %s\n", back[7] == 0x5a && p[7] == 0x5a ? "yes" : "no");
    printf("free the page-locked buffer: %s\n", name(cuMemFreeHost(pinned)));
    printf("free: %s\n", name(cuMemFree(m)));
    printf("free again: %s\n", name(cuMemFree(m)));
    printf("free the second: %s\n", name(cuMemFree(b)));
    return 0;
}
