/* A capture's graph, named by its id from cuStreamGetCaptureInfo, belongs to
 * the driver until the capture ends: the guest may add to it but not destroy
 * it, it becomes the guest's when the capture ends, and its id is gone when
 * the capture fails. Prints one line per step. */
#include <cuda.h>
#include <stdio.h>

static const char *name(CUresult r) {
    const char *n = "?";
    cuGetErrorName(r, &n);
    return n;
}

int main(void) {
    CUdevice dev;
    CUcontext ctx;
    CUstream s;
    CUdeviceptr p;
    if (cuInit(0) || cuDeviceGet(&dev, 0) || cuDevicePrimaryCtxRetain(&ctx, dev) || cuCtxSetCurrent(ctx) ||
        cuStreamCreate(&s, CU_STREAM_NON_BLOCKING) || cuMemAlloc(&p, 4096)) {
        printf("setup failed\n");
        return 1;
    }
    CUstreamCaptureStatus st;
    CUgraph g = NULL, ended = NULL;
    const CUgraphNode *deps;
    size_t n;
    cuStreamBeginCapture(s, CU_STREAM_CAPTURE_MODE_GLOBAL);
    cuMemsetD8Async(p, 1, 4096, s);
    printf("info: %s\n", name(cuStreamGetCaptureInfo(s, &st, NULL, &g, &deps, NULL, &n)));
    CUgraphNode extra;
    printf("add to the capture's graph: %s\n", name(cuGraphAddEmptyNode(&extra, g, deps, n)));
    printf("destroy the capture's graph: %s\n", name(cuGraphDestroy(g)));
    printf("end: %s\n", name(cuStreamEndCapture(s, &ended)));
    printf("same graph: %s\n", ended == g ? "yes" : "no");
    printf("destroy the ended graph: %s\n", name(cuGraphDestroy(ended)));
    /* A failed capture: a kernel-less capture invalidated by a copy from guest memory. */
    unsigned char buf[16] = {0};
    CUgraph g2 = NULL, none = NULL;
    cuStreamBeginCapture(s, CU_STREAM_CAPTURE_MODE_GLOBAL);
    cuMemsetD8Async(p, 2, 4096, s);
    cuStreamGetCaptureInfo(s, &st, NULL, &g2, &deps, NULL, &n);
    cuMemcpyHtoDAsync(p, buf, sizeof buf, s);
    printf("end (invalidated): %s\n", name(cuStreamEndCapture(s, &none)));
    printf("add to the failed capture's graph: %s\n", name(cuGraphAddEmptyNode(&extra, g2, NULL, 0)));
    return 0;
}
