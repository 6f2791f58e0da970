// A runtime-API program as users write them, built by nvcc with static and
// with shared libcudart; it runs unmodified on NVIDIA's driver or through
// cuvm. Everything before the kernel needs no kernel (CI runs it against
// cuvm's emulated backend); the kernel comes last.
// Exit codes: see common.h.
#include <cstring>
#include <cstdint>
#include <vector>
#include "common.h"

// Incompressible test data (xorshift64*), reproducible from the seed.
static void fill_random(std::vector<uint8_t> &v, uint64_t seed) {
    uint64_t x = seed | 1;
    for (size_t i = 0; i < v.size(); i++) {
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
        v[i] = (uint8_t)((x * 0x2545F4914F6CDD1DULL) >> 56);
    }
}

__global__ void vadd(const float *a, const float *b, float *c, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) c[i] = a[i] + b[i];
}

int main() {
    int runtime = 0, driver = 0, count = 0;
    CHECK(cudaRuntimeGetVersion(&runtime));
    CHECK(cudaDriverGetVersion(&driver));
    printf("runtime %d, driver %d\n", runtime, driver);
    CHECK(cudaGetDeviceCount(&count));
    expect(count >= 1, "at least one device");
    cudaDeviceProp prop;
    CHECK(cudaGetDeviceProperties(&prop, 0));
    printf("device 0: %s, compute capability %d.%d, %d SMs\n", prop.name, prop.major, prop.minor,
           prop.multiProcessorCount);
    int value = 0;
    CHECK(cudaDeviceGetAttribute(&value, cudaDevAttrWarpSize, 0));
    expect(value == 32, "warp size 32");
    CHECK(cudaSetDevice(0));
    size_t free_b = 0, total_b = 0;
    CHECK(cudaMemGetInfo(&free_b, &total_b));
    expect(free_b > 0 && free_b <= total_b, "cudaMemGetInfo");

    // Synchronous copies of 32 MiB of random bytes, every direction.
    const size_t n = 8 << 20;
    std::vector<uint8_t> src(n), back(n);
    fill_random(src, 42);
    uint8_t *d1, *d2;
    CHECK(cudaMalloc(&d1, n));
    CHECK(cudaMalloc(&d2, n));
    CHECK(cudaMemcpy(d1, src.data(), n, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(d2, d1, n, cudaMemcpyDeviceToDevice));
    CHECK(cudaMemcpy(back.data(), d2, n, cudaMemcpyDeviceToHost));
    expect(memcmp(src.data(), back.data(), n) == 0, "cudaMemcpy host->device->device->host, 8 MiB");
    CHECK(cudaMemcpy(back.data(), d2, n, cudaMemcpyDefault));
    expect(memcmp(src.data(), back.data(), n) == 0, "cudaMemcpy with cudaMemcpyDefault");

    // Memset, then a 2D copy out of the middle.
    CHECK(cudaMemset(d1, 0xa5, n));
    CHECK(cudaMemcpy(back.data(), d1, n, cudaMemcpyDeviceToHost));
    bool all = true;
    for (size_t i = 0; i < n; i++) all &= back[i] == 0xa5;
    expect(all, "cudaMemset");
    size_t pitch = 0;
    uint8_t *pitched;
    CHECK(cudaMallocPitch((void **)&pitched, &pitch, 1000, 64));
    CHECK(cudaMemcpy2D(pitched, pitch, src.data(), 1000, 1000, 64, cudaMemcpyHostToDevice));
    std::vector<uint8_t> rect(1000 * 64);
    CHECK(cudaMemcpy2D(rect.data(), 1000, pitched, pitch, 1000, 64, cudaMemcpyDeviceToHost));
    expect(memcmp(rect.data(), src.data(), rect.size()) == 0 && pitch >= 1000, "cudaMallocPitch + cudaMemcpy2D");

    // Pinned memory, a stream, async copies and events.
    uint8_t *pinned;
    CHECK(cudaMallocHost(&pinned, n));
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    cudaEvent_t start, stop;
    CHECK(cudaEventCreate(&start));
    CHECK(cudaEventCreate(&stop));
    memcpy(pinned, src.data(), n);
    CHECK(cudaEventRecord(start, s));
    CHECK(cudaMemcpyAsync(d1, pinned, n, cudaMemcpyHostToDevice, s));
    CHECK(cudaMemcpyAsync(d2, d1, n, cudaMemcpyDeviceToDevice, s));
    memset(back.data(), 0, n);
    CHECK(cudaMemcpyAsync(back.data(), d2, n, cudaMemcpyDeviceToHost, s));
    CHECK(cudaEventRecord(stop, s));
    CHECK(cudaEventSynchronize(stop));
    float ms = -1;
    CHECK(cudaEventElapsedTime(&ms, start, stop));
    expect(ms >= 0 && memcmp(src.data(), back.data(), n) == 0, "pinned memory, async copies on a stream, events");
    CHECK(cudaStreamQuery(s));

    // Stream-ordered allocation.
    void *a = nullptr;
    CHECK(cudaMallocAsync(&a, 1 << 20, s));
    CHECK(cudaMemsetAsync(a, 0x3c, 1 << 20, s));
    CHECK(cudaMemcpyAsync(back.data(), a, 1 << 20, cudaMemcpyDeviceToHost, s));
    CHECK(cudaFreeAsync(a, s));
    CHECK(cudaStreamSynchronize(s));
    all = true;
    for (size_t i = 0; i < (1 << 20); i++) all &= back[i] == 0x3c;
    expect(all, "cudaMallocAsync + cudaMemsetAsync + cudaFreeAsync");

    // The kernel.
    const int count_f = 1 << 20;
    float *fa = (float *)d1, *fb = (float *)d1 + count_f, *fc = (float *)d2;
    std::vector<float> h(count_f);
    for (int i = 0; i < count_f; i++) h[i] = (float)i;
    CHECK(cudaMemcpy(fa, h.data(), count_f * sizeof(float), cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(fb, h.data(), count_f * sizeof(float), cudaMemcpyHostToDevice));
    vadd<<<(count_f + 255) / 256, 256, 0, s>>>(fa, fb, fc, count_f);
    cudaError_t e = cudaGetLastError();
    check_first_kernel(e, e == cudaErrorNotSupported);
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaMemcpy(h.data(), fc, count_f * sizeof(float), cudaMemcpyDeviceToHost));
    int wrong = 0;
    for (int i = 0; i < count_f; i++) wrong += h[i] != 2.0f * i;
    printf("vadd: %d wrong of %d\n", wrong, count_f);
    expect(wrong == 0, "kernel");

    CHECK(cudaEventDestroy(start));
    CHECK(cudaEventDestroy(stop));
    CHECK(cudaStreamDestroy(s));
    CHECK(cudaFreeHost(pinned));
    CHECK(cudaFree(pitched));
    CHECK(cudaFree(d1));
    CHECK(cudaFree(d2));
    printf("runtime basics: all verified\n");
    return 0;
}
