/* 00-driver-info: what a program learns from libcuda before it touches a GPU.
 * Built with gcc against the official cuda.h; runs unmodified on NVIDIA's
 * driver or, with LD_LIBRARY_PATH pointing at cuvm's build/lib, on cuvm.
 * Exits non-zero if an answer that needs no GPU is wrong. */
#include <cuda.h>
#include <stdio.h>
#include <string.h>

/* Exported by the driver, declared by cuda.h only for its own build. */
extern CUresult CUDAAPI cuMemcpyHtoD_v2_ptds(CUdeviceptr dst, const void *src, size_t bytes);

static int failures;

static void check(int ok, const char *what) {
    if (!ok) {
        printf("FAIL: %s\n", what);
        failures++;
    }
}

int main(void) {
    int version = 0;
    CUresult r = cuDriverGetVersion(&version);
    printf("cuDriverGetVersion: %d (CUDA %d.%d)\n", version, version / 1000, (version % 1000) / 10);
    check(r == CUDA_SUCCESS && version >= 13000, "driver version is at least 13.0");

    const CUresult codes[] = {CUDA_SUCCESS, CUDA_ERROR_INVALID_VALUE, CUDA_ERROR_OUT_OF_MEMORY,
                              CUDA_ERROR_ILLEGAL_ADDRESS, CUDA_ERROR_NOT_SUPPORTED};
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *name = NULL, *text = NULL;
        check(cuGetErrorName(codes[i], &name) == CUDA_SUCCESS && name, "cuGetErrorName");
        check(cuGetErrorString(codes[i], &text) == CUDA_SUCCESS && text, "cuGetErrorString");
        printf("error %d: %s: %s\n", (int)codes[i], name ? name : "?", text ? text : "?");
    }
    const char *none = "untouched";
    check(cuGetErrorName((CUresult)1099, &none) == CUDA_ERROR_INVALID_VALUE && none == NULL,
          "unknown error code is rejected");

    void *pfn = NULL;
    CUdriverProcAddressQueryResult status;
    r = cuGetProcAddress("cuMemAlloc", &pfn, 13000, CU_GET_PROC_ADDRESS_DEFAULT, &status);
    printf("cuGetProcAddress(cuMemAlloc, 13000): %s\n",
           r == CUDA_SUCCESS && pfn == (void *)&cuMemAlloc_v2 ? "cuMemAlloc_v2" : "unexpected");
    check(r == CUDA_SUCCESS && status == CU_GET_PROC_ADDRESS_SUCCESS && pfn == (void *)&cuMemAlloc_v2,
          "cuMemAlloc resolves to cuMemAlloc_v2");
    r = cuGetProcAddress("cuMemcpyHtoD", &pfn, 13000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, &status);
    check(r == CUDA_SUCCESS && pfn == (void *)&cuMemcpyHtoD_v2_ptds, "per-thread cuMemcpyHtoD is the _ptds export");
    r = cuGetProcAddress("cuNoSuchFunction", &pfn, 13000, 0, &status);
    check(r == CUDA_SUCCESS && pfn == NULL && status == CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND,
          "an unknown name is not found");

    r = cuInit(0);
    const char *init_name = NULL;
    cuGetErrorName(r, &init_name);
    printf("cuInit: %s\n", init_name ? init_name : "?");
    if (r == CUDA_SUCCESS) {
        int count = 0;
        cuDeviceGetCount(&count);
        printf("devices: %d\n", count);
    }

    printf("%s\n", failures ? "driver-info: FAILED" : "driver-info: ok");
    return failures ? 1 : 0;
}
