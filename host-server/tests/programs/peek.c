/* `peek hold`: allocate 4 KiB, fill it, create a stream, a CUDA array and a
 * texture object over it, print the pointer, the stream, the array and the
 * texture object, then wait to be killed. `peek read PTR STREAM ARRAY TEX`:
 * try to read that pointer, synchronise that stream, read and destroy that
 * array, query and destroy that texture object, which belong to another
 * process, and print what the driver API answers. */
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
        CUarray a;
        CUtexObject t;
        CUDA_ARRAY_DESCRIPTOR d = {64, 0, CU_AD_FORMAT_FLOAT, 1};
        CUDA_RESOURCE_DESC r;
        CUDA_TEXTURE_DESC td;
        memset(&r, 0, sizeof r);
        memset(&td, 0, sizeof td);
        if (cuMemAlloc(&p, 4096) || cuMemsetD8(p, 0x5a, 4096) || cuStreamCreate(&s, 0) || cuArrayCreate(&a, &d)) return 1;
        r.resType = CU_RESOURCE_TYPE_ARRAY;
        r.res.array.hArray = a;
        if (cuTexObjectCreate(&t, &r, &td, NULL)) return 1;
        printf("%llu %llu %llu %llu\n", (unsigned long long)p, (unsigned long long)(size_t)s, (unsigned long long)(size_t)a,
               (unsigned long long)t);
        fflush(stdout);
        for (;;) pause();
    }
    if (argc != 6) return 2;
    CUdeviceptr p = strtoull(argv[2], NULL, 10);
    CUstream s = (CUstream)(size_t)strtoull(argv[3], NULL, 10);
    CUarray a = (CUarray)(size_t)strtoull(argv[4], NULL, 10);
    CUtexObject t = strtoull(argv[5], NULL, 10);
    unsigned char buf[16];
    CUDA_RESOURCE_DESC r;
    printf("read: %s\n", name(cuMemcpyDtoH(buf, p, 16)));
    printf("sync: %s\n", name(cuStreamSynchronize(s)));
    printf("array read: %s\n", name(cuMemcpyAtoH(buf, a, 0, 16)));
    printf("array destroy: %s\n", name(cuArrayDestroy(a)));
    printf("texture query: %s\n", name(cuTexObjectGetResourceDesc(&r, t)));
    printf("texture destroy: %s\n", name(cuTexObjectDestroy(t)));
    return 0;
}
