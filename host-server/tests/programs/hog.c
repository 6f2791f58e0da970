/* A guest that takes device memory. `hog BYTES once`: allocate, report,
 * exit (without freeing). `hog BYTES spin`: allocate, report, then copy into
 * the allocation forever (so that a kill lands mid-transfer). */
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc != 3) return 2;
    size_t bytes = strtoull(argv[1], NULL, 0);
    CUdevice dev;
    CUcontext ctx;
    CUdeviceptr p;
    if (cuInit(0) || cuDeviceGet(&dev, 0) || cuDevicePrimaryCtxRetain(&ctx, dev) || cuCtxSetCurrent(ctx)) {
        printf("setup failed\n");
        return 1;
    }
    CUresult r = cuMemAlloc(&p, bytes);
    const char *name = "?";
    cuGetErrorName(r, &name);
    printf("alloc %zu: %s\n", bytes, name);
    fflush(stdout);
    if (r != CUDA_SUCCESS) return 1;
    if (strcmp(argv[2], "spin") == 0) {
        size_t chunk = bytes < (16u << 20) ? bytes : (16u << 20);
        char *buf = malloc(chunk);
        memset(buf, 0x5a, chunk);
        for (;;) cuMemcpyHtoD(p, buf, chunk);
    }
    return 0;
}
