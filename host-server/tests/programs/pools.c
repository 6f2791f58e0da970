/* Memory a stream-ordered pool keeps after cuMemFreeAsync counts against the
 * VM's quota until the pool gives it back: with the release threshold
 * raised the pool keeps it across synchronisations, so an ordinary
 * allocation that fits only without it fails, until the pool is trimmed.
 * Run against a VM with a 64 MiB quota. Prints one line per step. */
#include <cuda.h>
#include <stdint.h>
#include <stdio.h>

static const char *name(CUresult r) {
    const char *n = "?";
    cuGetErrorName(r, &n);
    return n;
}

#define MIB (1024ull * 1024ull)

int main(void) {
    CUdevice dev;
    CUcontext ctx;
    CUstream s;
    CUmemoryPool pool;
    if (cuInit(0) || cuDeviceGet(&dev, 0) || cuDevicePrimaryCtxRetain(&ctx, dev) || cuCtxSetCurrent(ctx) ||
        cuStreamCreate(&s, CU_STREAM_NON_BLOCKING) || cuDeviceGetDefaultMemPool(&pool, dev)) {
        printf("setup failed\n");
        return 1;
    }
    cuuint64_t keep_all = UINT64_MAX;
    printf("raise the release threshold: %s\n", name(cuMemPoolSetAttribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &keep_all)));
    CUdeviceptr a = 0, b = 0, c = 0;
    printf("alloc async 40 MiB: %s\n", name(cuMemAllocAsync(&a, 40 * MIB, s)));
    printf("free async: %s\n", name(cuMemFreeAsync(a, s)));
    printf("alloc async 40 MiB again (the pool's memory): %s\n", name(cuMemAllocAsync(&b, 40 * MIB, s)));
    printf("free async again: %s\n", name(cuMemFreeAsync(b, s)));
    printf("synchronize: %s\n", name(cuStreamSynchronize(s)));
    printf("alloc 32 MiB while the pool keeps 40: %s\n", name(cuMemAlloc(&c, 32 * MIB)));
    /* What the default pool keeps cannot pay for another pool's allocation. */
    CUmemPoolProps props = {0};
    props.allocType = CU_MEM_ALLOCATION_TYPE_PINNED;
    props.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    props.location.id = 0;
    CUmemoryPool other;
    CUdeviceptr d = 0;
    printf("create another pool: %s\n", name(cuMemPoolCreate(&other, &props)));
    printf("alloc 40 MiB from the other pool: %s\n", name(cuMemAllocFromPoolAsync(&d, 40 * MIB, other, s)));
    printf("destroy the other pool: %s\n", name(cuMemPoolDestroy(other)));
    printf("trim the pool: %s\n", name(cuMemPoolTrimTo(pool, 0)));
    printf("alloc 32 MiB after the trim: %s\n", name(cuMemAlloc(&c, 32 * MIB)));
    printf("free: %s\n", name(cuMemFree(c)));
    cuuint64_t none = 0;
    cuMemPoolSetAttribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &none);
    printf("alloc async 40 MiB (threshold 0): %s\n", name(cuMemAllocAsync(&a, 40 * MIB, s)));
    printf("free async (threshold 0): %s\n", name(cuMemFreeAsync(a, s)));
    printf("synchronize (threshold 0): %s\n", name(cuStreamSynchronize(s)));
    printf("alloc 32 MiB after the pool gave its memory back: %s\n", name(cuMemAlloc(&c, 32 * MIB)));
    printf("free it: %s\n", name(cuMemFree(c)));
    /* A destroyed pool's live allocation counts as an allocation until it
     * is freed, and takes nothing from what another pool keeps. */
    CUmemoryPool third;
    CUdeviceptr e = 0, f = 0, g = 0;
    printf("create a third pool: %s\n", name(cuMemPoolCreate(&third, &props)));
    printf("alloc 16 MiB from the third pool: %s\n", name(cuMemAllocFromPoolAsync(&e, 16 * MIB, third, s)));
    printf("destroy the third pool while its allocation lives: %s\n", name(cuMemPoolDestroy(third)));
    cuMemPoolSetAttribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &keep_all);
    printf("alloc async 16 MiB from the default pool: %s\n", name(cuMemAllocAsync(&f, 16 * MIB, s)));
    printf("free it async: %s\n", name(cuMemFreeAsync(f, s)));
    printf("synchronize (the default pool keeps 16 MiB): %s\n", name(cuStreamSynchronize(s)));
    printf("alloc 40 MiB while 16 live and 16 kept: %s\n", name(cuMemAlloc(&g, 40 * MIB)));
    printf("free the destroyed pool's allocation: %s\n", name(cuMemFreeAsync(e, s)));
    printf("synchronize after that free: %s\n", name(cuStreamSynchronize(s)));
    printf("trim the default pool again: %s\n", name(cuMemPoolTrimTo(pool, 0)));
    printf("alloc 40 MiB after both were given back: %s\n", name(cuMemAlloc(&g, 40 * MIB)));
    printf("free it: %s\n", name(cuMemFree(g)));
    /* Pools destroyed with an allocation still live: the driver keeps what
     * such a pool reserves until the allocation is freed, so it counts. */
    CUdeviceptr live[16];
    int rounds = 0;
    for (; rounds < 16; rounds++) {
        CUmemoryPool q;
        if (cuMemPoolCreate(&q, &props)) break;
        CUresult r = cuMemAllocFromPoolAsync(&live[rounds], 2 * MIB, q, s);
        cuMemPoolDestroy(q);
        if (r != CUDA_SUCCESS) break;
    }
    printf("pools destroyed with 2 MiB live before the quota: %d\n", rounds);
    for (int i = 0; i < rounds; i++) cuMemFreeAsync(live[i], s);
    printf("free them and synchronize: %s\n", name(cuStreamSynchronize(s)));
    printf("alloc 48 MiB after they were freed: %s\n", name(cuMemAlloc(&g, 48 * MIB)));
    return 0;
}
