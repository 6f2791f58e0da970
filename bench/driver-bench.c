/* driver-bench: times the driver API operations that matter for cuvm. Run it
 * natively and through cuvm in one run (bench/compare.sh) to get ratios; it
 * asserts nothing. Copy data is random bytes, so no transport can compress it.
 * Output: one line per measurement, "name value unit". */
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHECK(x) do { CUresult r_ = (x); if (r_ != CUDA_SUCCESS) { printf("FAIL %s: %d\n", #x, (int)r_); exit(1); } } while (0)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const char ptx[] =
    ".version 8.0\n.target sm_75\n.address_size 64\n"
    ".visible .entry empty()\n{\n  ret;\n}\n";

static void fill_random(unsigned char *p, size_t n) {
    unsigned long long x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        p[i] = (unsigned char)(x >> 24);
    }
}

int main(void) {
    double t0 = now();
    CUdevice dev;
    CUcontext ctx;
    CHECK(cuInit(0));
    CHECK(cuDeviceGet(&dev, 0));
    CHECK(cuDevicePrimaryCtxRetain(&ctx, dev));
    CHECK(cuCtxSetCurrent(ctx));
    CUdeviceptr warm;
    CHECK(cuMemAlloc(&warm, 1 << 20));
    CHECK(cuMemFree(warm));
    printf("init_and_context %.1f ms\n", (now() - t0) * 1e3);

    int v, n = 100000;
    double t = now();
    for (int i = 0; i < n; i++) CHECK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev));
    printf("device_get_attribute %.3f us\n", (now() - t) / n * 1e6);

    CUmodule mod;
    CUfunction f;
    CHECK(cuModuleLoadData(&mod, ptx));
    CHECK(cuModuleGetFunction(&f, mod, "empty"));
    CHECK(cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL));
    CHECK(cuCtxSynchronize());
    n = 20000;
    t = now();
    for (int i = 0; i < n; i++) CHECK(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, NULL, NULL));
    CHECK(cuCtxSynchronize());
    printf("empty_launch_async %.3f us\n", (now() - t) / n * 1e6);

    n = 2000;
    t = now();
    for (int i = 0; i < n; i++) {
        CHECK(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, NULL, NULL));
        CHECK(cuStreamSynchronize(NULL));
    }
    printf("launch_and_synchronize %.3f us\n", (now() - t) / n * 1e6);

    t = now();
    for (int i = 0; i < n; i++) CHECK(cuStreamSynchronize(NULL));
    printf("stream_synchronize_idle %.3f us\n", (now() - t) / n * 1e6);

    n = 200;
    t = now();
    for (int i = 0; i < n; i++) {
        CUdeviceptr p;
        CHECK(cuMemAlloc(&p, 1 << 20));
        CHECK(cuMemFree(p));
    }
    printf("mem_alloc_free_1MiB %.3f us\n", (now() - t) / n * 1e6);

    CUdeviceptr small;
    CHECK(cuMemAlloc(&small, 4));
    unsigned word = 0x12345678;
    n = 2000;
    t = now();
    for (int i = 0; i < n; i++) CHECK(cuMemcpyHtoD(small, &word, 4));
    printf("memcpy_htod_4B %.3f us\n", (now() - t) / n * 1e6);
    t = now();
    for (int i = 0; i < n; i++) CHECK(cuMemcpyDtoH(&word, small, 4));
    printf("memcpy_dtoh_4B %.3f us\n", (now() - t) / n * 1e6);

    /* CUVM_BENCH_BULK_MIB: the bulk copy size (default 256 MiB; the test
     * VMs run under a 64 MiB quota). */
    const char *mib = getenv("CUVM_BENCH_BULK_MIB");
    const size_t big = (size_t)(mib ? atoi(mib) : 256) << 20;
    unsigned char *host = malloc(big);
    fill_random(host, big);
    CUdeviceptr dbig;
    CHECK(cuMemAlloc(&dbig, big));
    CHECK(cuMemcpyHtoD(dbig, host, big));
    int reps = 4;
    t = now();
    for (int i = 0; i < reps; i++) CHECK(cuMemcpyHtoD(dbig, host, big));
    printf("memcpy_htod_%zuMiB_pageable %.2f GB/s\n", big >> 20, reps * (double)big / (now() - t) / 1e9);
    t = now();
    for (int i = 0; i < reps; i++) CHECK(cuMemcpyDtoH(host, dbig, big));
    printf("memcpy_dtoh_%zuMiB_pageable %.2f GB/s\n", big >> 20, reps * (double)big / (now() - t) / 1e9);
    CHECK(cuMemFree(dbig));
    CHECK(cuMemFree(small));
    CHECK(cuModuleUnload(mod));
    free(host);
    return 0;
}
