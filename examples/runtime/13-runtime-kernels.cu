// Kernels that need more than a plain launch, through the runtime API, built
// by nvcc with static and with shared libcudart: a block reduction in
// dynamic shared memory beyond the default 48 KiB (opted in with
// cudaFuncSetAttribute), and a cooperative launch whose grid synchronises.
// The queries come first (no kernel: CI runs them against cuvm's emulated
// backend). Exit codes: see common.h.
#include <cstdint>
#include <vector>
#include <cooperative_groups.h>
#include "common.h"

namespace cg = cooperative_groups;

__global__ void block_sums(const uint32_t *x, uint64_t *sums, size_t n) {
    extern __shared__ uint64_t partial[];
    size_t per_block = blockDim.x * 8;  // each thread loads 8 values into shared memory
    size_t base = (size_t)blockIdx.x * per_block;
    for (int j = 0; j < 8; j++) {
        size_t i = base + j * blockDim.x + threadIdx.x;
        partial[j * blockDim.x + threadIdx.x] = i < n ? x[i] : 0;
    }
    __syncthreads();
    for (size_t stride = per_block / 2; stride > 0; stride /= 2) {
        for (size_t t = threadIdx.x; t < stride; t += blockDim.x) partial[t] += partial[t + stride];
        __syncthreads();
    }
    if (threadIdx.x == 0) sums[blockIdx.x] = partial[0];
}

// Phase 1 writes, the grid synchronises, phase 2 reads another block's value.
__global__ void rotate(int *a, int *b, int n) {
    cg::grid_group grid = cg::this_grid();
    int i = grid.thread_rank();
    if (i < n) a[i] = i * 3 + 1;
    grid.sync();
    if (i < n) b[i] = a[(i + blockDim.x) % n];
}

int main() {
    int dev = 0, coop = 0, sms = 0, optin = 0;
    CHECK(cudaGetDevice(&dev));
    CHECK(cudaDeviceGetAttribute(&coop, cudaDevAttrCooperativeLaunch, dev));
    CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev));
    CHECK(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev));
    expect(sms > 0 && optin >= 64 * 1024, "device attributes: SMs and opt-in shared memory");
    const int threads = 1024;
    const size_t smem = threads * 8 * sizeof(uint64_t);  // 64 KiB
    CHECK(cudaFuncSetAttribute(block_sums, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem));
    cudaFuncAttributes fa;
    CHECK(cudaFuncGetAttributes(&fa, block_sums));
    printf("block_sums: max dynamic shared memory %d\n", fa.maxDynamicSharedSizeBytes);
    expect(fa.maxDynamicSharedSizeBytes == (int)smem, "cudaFuncSetAttribute(MaxDynamicSharedMemorySize) took");
    int per_sm = 0;
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, rotate, 256, 0));
    expect(per_sm > 0, "occupancy of the cooperative kernel");

    const size_t n = 16 << 20;
    std::vector<uint32_t> h(n);
    uint64_t x = 7, expected = 0;
    for (size_t i = 0; i < n; i++) {
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
        h[i] = (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 40);
        expected += h[i];
    }
    uint32_t *dx;
    uint64_t *dsums;
    const size_t blocks = (n + threads * 8 - 1) / (threads * 8);
    CHECK(cudaMalloc(&dx, n * sizeof(uint32_t)));
    CHECK(cudaMalloc(&dsums, blocks * sizeof(uint64_t)));
    CHECK(cudaMemcpy(dx, h.data(), n * sizeof(uint32_t), cudaMemcpyHostToDevice));
    block_sums<<<blocks, threads, smem>>>(dx, dsums, n);
    cudaError_t e = cudaGetLastError();
    check_first_kernel(e, e == cudaErrorNotSupported);
    std::vector<uint64_t> sums(blocks);
    CHECK(cudaMemcpy(sums.data(), dsums, blocks * sizeof(uint64_t), cudaMemcpyDeviceToHost));
    uint64_t total = 0;
    for (uint64_t v : sums) total += v;
    printf("reduction in 64 KiB of dynamic shared memory: %llu (expected %llu)\n", (unsigned long long)total,
           (unsigned long long)expected);
    expect(total == expected, "dynamic shared memory reduction");

    expect(coop == 1, "the device supports cooperative launches");
    int grid_blocks = sms * per_sm;
    int m = grid_blocks * 256;
    int *da, *db;
    CHECK(cudaMalloc(&da, m * sizeof(int)));
    CHECK(cudaMalloc(&db, m * sizeof(int)));
    void *args[] = {&da, &db, &m};
    CHECK(cudaLaunchCooperativeKernel((void *)rotate, grid_blocks, 256, args, 0, 0));
    CHECK(cudaDeviceSynchronize());
    std::vector<int> hb(m);
    CHECK(cudaMemcpy(hb.data(), db, m * sizeof(int), cudaMemcpyDeviceToHost));
    int wrong = 0;
    for (int i = 0; i < m; i++) wrong += hb[i] != ((i + 256) % m) * 3 + 1;
    printf("cooperative launch of %d blocks with a grid sync: %d wrong of %d\n", grid_blocks, wrong, m);
    expect(wrong == 0, "cooperative launch with grid synchronisation");
    CHECK(cudaFree(dx));
    CHECK(cudaFree(dsums));
    CHECK(cudaFree(da));
    CHECK(cudaFree(db));
    printf("runtime kernels: all verified\n");
    return 0;
}
