/* What managed memory costs through cuvm (run natively and through cuvm):
 * for 0, 1, 16 and 64 MiB of managed memory allocated, the time of
 *  - 1000 small asynchronous memsets on a stream and one synchronisation
 *    (every call compares the managed pages with what the host has), and
 *  - a round of: the CPU rewrites all of it (random bytes), a device copy
 *    reads it, the device overwrites it with a memset, and the CPU reads
 *    it after synchronising (the pages travel both ways).
 * Prints one line per size: microseconds per memset, milliseconds per round. */
#include <cuda.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    CUdevice dev;
    CUcontext ctx;
    CUstream s;
    CUdeviceptr d, scratch;
    if (cuInit(0) || cuDeviceGet(&dev, 0) || cuDevicePrimaryCtxRetain(&ctx, dev) || cuCtxSetCurrent(ctx) ||
        cuStreamCreate(&s, CU_STREAM_NON_BLOCKING) || cuMemAlloc(&d, 64 << 20) || cuMemAlloc(&scratch, 4096)) {
        printf("setup failed\n");
        return 1;
    }
    size_t sizes[] = {0, 1 << 20, 16 << 20, 64 << 20};
    uint64_t x = 88172645463325252ull;
    for (int k = 0; k < 4; k++) {
        size_t n = sizes[k];
        CUdeviceptr m = 0;
        if (n && cuMemAllocManaged(&m, n, CU_MEM_ATTACH_GLOBAL)) {
            printf("managed alloc of %zu failed\n", n);
            return 1;
        }
        double t0 = now();
        for (int i = 0; i < 1000; i++) cuMemsetD8Async(scratch, (unsigned char)i, 4096, s);
        cuStreamSynchronize(s);
        double per_call = (now() - t0) * 1e3;  /* us per call: total ms */
        double round = 0;
        if (n) {
            uint64_t *p = (uint64_t *)(uintptr_t)m;
            double t1 = now();
            for (int r = 0; r < 5; r++) {
                for (size_t i = 0; i < n / 8; i++) {
                    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                    p[i] = x;
                }
                cuMemcpyDtoD(d, m, n);
                cuMemsetD8(m, (unsigned char)r, n);
                cuCtxSynchronize();
                if (((unsigned char *)p)[n - 1] != (unsigned char)r) { printf("wrong bytes\n"); return 1; }
            }
            round = (now() - t1) / 5 * 1e3;
            cuMemFree(m);
        }
        printf("managed %3zu MiB: %.1f us per async memset; %.1f ms per round trip\n", n >> 20, per_call, round);
    }
    return 0;
}
