/* `peek hold`: allocate 4 KiB, fill it, print the pointer and a stream
 * handle, then wait to be killed. `peek read PTR STREAM`: try to read that
 * pointer and to synchronise that stream, which belong to another process,
 * and print what the driver API answers. */
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *name(CUresult r) {
    const char *n = "?";
    cuGetErrorName(r, &n);
    return n;
}

int main(int argc, char **argv) {
    CUdevice dev;
    CUcontext ctx;
    if (argc < 2 || cuInit(0) || cuDeviceGet(&dev, 0) || cuDevicePrimaryCtxRetain(&ctx, dev) || cuCtxSetCurrent(ctx)) {
        printf("setup failed\n");
        return 1;
    }
    if (strcmp(argv[1], "hold") == 0) {
        CUdeviceptr p;
        CUstream s;
        if (cuMemAlloc(&p, 4096) || cuMemsetD8(p, 0x5a, 4096) || cuStreamCreate(&s, 0)) return 1;
        printf("%llu %llu\n", (unsigned long long)p, (unsigned long long)(size_t)s);
        fflush(stdout);
        for (;;) pause();
    }
    if (argc != 4) return 2;
    CUdeviceptr p = strtoull(argv[2], NULL, 10);
    CUstream s = (CUstream)(size_t)strtoull(argv[3], NULL, 10);
    unsigned char buf[16];
    printf("read: %s\n", name(cuMemcpyDtoH(buf, p, 16)));
    printf("sync: %s\n", name(cuStreamSynchronize(s)));
    return 0;
}
