/* Helpers shared by the driver-API examples. Each example runs unmodified on
 * NVIDIA's driver or through cuvm. Exit codes: 0 results verified; 1 a
 * failure; 3 every step up to the first kernel launch succeeded, and the
 * device cannot run kernels (cuvm's emulated backend answers launches with
 * CUDA_ERROR_NOT_SUPPORTED). */
#ifndef CUVM_EXAMPLES_COMMON_H
#define CUVM_EXAMPLES_COMMON_H
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>

#define EXIT_NO_KERNELS 3

static void check_at(CUresult r, const char *what, int line) {
    if (r != CUDA_SUCCESS) {
        const char *name = NULL, *text = NULL;
        cuGetErrorName(r, &name);
        cuGetErrorString(r, &text);
        printf("FAIL line %d: %s: %s (%s)\n", line, what, name ? name : "?", text ? text : "?");
        exit(1);
    }
}
#define CHECK(call) check_at((call), #call, __LINE__)

/* A launch: on a device that cannot run kernels, stop with EXIT_NO_KERNELS. */
static inline void launch_at(CUresult r, const char *what, int line) {
    if (r == CUDA_ERROR_NOT_SUPPORTED) {
        printf("kernel launch not supported on this device: stopping before the first kernel (%s)\n", what);
        exit(EXIT_NO_KERNELS);
    }
    check_at(r, what, line);
}
#define LAUNCH(call) launch_at((call), #call, __LINE__)

/* Deterministic pseudo-random floats in [0, 1). */
static inline float frand(unsigned *state) {
    *state = *state * 1664525u + 1013904223u;
    return (float)(*state >> 8) / 16777216.0f;
}

static CUcontext setup(void) {
    CUdevice dev;
    CUcontext ctx;
    char name[128];
    CHECK(cuInit(0));
    CHECK(cuDeviceGet(&dev, 0));
    CHECK(cuDeviceGetName(name, sizeof name, dev));
    printf("device 0: %s\n", name);
    CHECK(cuDevicePrimaryCtxRetain(&ctx, dev));
    CHECK(cuCtxSetCurrent(ctx));
    return ctx;
}
#endif
