/* Helpers shared by the runtime-API programs. Exit codes as the driver-API
 * examples: 0 all verified, 1 a failure, 3 every step before the first
 * kernel verified and the device cannot run kernels. */
#ifndef CUVM_RUNTIME_COMMON_H
#define CUVM_RUNTIME_COMMON_H
#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>

#define EXIT_NO_KERNELS 3

#define CHECK(call) check((call), #call, __LINE__)
static void check(cudaError_t e, const char *what, int line) {
    if (e != cudaSuccess) {
        printf("FAIL line %d: %s: %s (%s)\n", line, what, cudaGetErrorName(e), cudaGetErrorString(e));
        exit(1);
    }
}

/* Prints "<what>: ok", or fails. */
static void expect(bool holds, const char *what) {
    if (!holds) {
        printf("FAIL: %s\n", what);
        exit(1);
    }
    printf("%s: ok\n", what);
}

/* After the first kernel: stop with EXIT_NO_KERNELS if the device cannot
 * run kernels (cuvm's emulated backend refuses launches), else check. */
static void check_first_kernel(cudaError_t e, bool refused) {
    if (refused) {
        printf("kernel launch not supported on this device: stopping before the first kernel\n");
        exit(EXIT_NO_KERNELS);
    }
    CHECK(e);
}
#endif
