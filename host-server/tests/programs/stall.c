/* A guest process held in the driver for ever, to be killed from outside:
 *   stall      allocates 1 GiB, then waits on a stream for a value nobody
 *              writes and synchronises it (never returns);
 *   alloc MIB  allocates MIB MiB and prints the result (to see what the
 *              VM's quota has left after the staller was killed).
 * Prints one line per step, flushed. */
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *name(CUresult r) {
    const char *n = "?";
    cuGetErrorName(r, &n);
    return n;
}

int main(int argc, char **argv) {
    CUdevice dev;
    CUcontext ctx;
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2 || cuInit(0) || cuDeviceGet(&dev, 0) || cuDevicePrimaryCtxRetain(&ctx, dev) || cuCtxSetCurrent(ctx)) {
        printf("usage: stall stall | stall alloc MIB (or setup failed)\n");
        return 1;
    }
    if (strcmp(argv[1], "alloc") == 0 && argc > 2) {
        CUdeviceptr p = 0;
        size_t mib = strtoull(argv[2], NULL, 10);
        printf("alloc %zu MiB: %s\n", mib, name(cuMemAlloc(&p, mib << 20)));
        return 0;
    }
    CUstream s;
    CUdeviceptr big = 0, word = 0;
    printf("alloc 1024 MiB: %s\n", name(cuMemAlloc(&big, 1024ull << 20)));
    printf("alloc the word: %s\n", name(cuMemAlloc(&word, 4)));
    printf("clear it: %s\n", name(cuMemsetD32(word, 0, 1)));
    printf("stream: %s\n", name(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING)));
    printf("wait for 1 (never written): %s\n", name(cuStreamWaitValue32(s, word, 1, CU_STREAM_WAIT_VALUE_EQ)));
    printf("synchronize (never returns)...\n");
    printf("synchronize: %s\n", name(cuStreamSynchronize(s)));
    return 2;
}
