/* 03-streams-events: a two-stream pipeline. Stream 1 uploads chunks and
 * records an event after each; stream 2 waits for the event, scales the
 * chunk by 2 with a kernel and downloads it. Events time the whole run. */
#include "common.h"

static const char ptx[] =
    ".version 8.0\n"
    ".target sm_75\n"
    ".address_size 64\n"
    ".visible .entry scale(.param .u64 p, .param .f32 s, .param .u32 n)\n"
    "{\n"
    "  .reg .pred %p<2>;\n"
    "  .reg .b32 %r<6>;\n"
    "  .reg .f32 %f<4>;\n"
    "  .reg .b64 %rd<5>;\n"
    "  ld.param.u64 %rd1, [p];\n"
    "  ld.param.f32 %f1, [s];\n"
    "  ld.param.u32 %r2, [n];\n"
    "  mov.u32 %r3, %ctaid.x;\n"
    "  mov.u32 %r4, %ntid.x;\n"
    "  mov.u32 %r5, %tid.x;\n"
    "  mad.lo.s32 %r1, %r3, %r4, %r5;\n"
    "  setp.ge.u32 %p1, %r1, %r2;\n"
    "  @%p1 bra DONE;\n"
    "  cvta.to.global.u64 %rd2, %rd1;\n"
    "  mul.wide.u32 %rd3, %r1, 4;\n"
    "  add.s64 %rd4, %rd2, %rd3;\n"
    "  ld.global.f32 %f2, [%rd4];\n"
    "  mul.f32 %f3, %f2, %f1;\n"
    "  st.global.f32 [%rd4], %f3;\n"
    "DONE:\n"
    "  ret;\n"
    "}\n";

#define CHUNKS 8

int main(void) {
    const unsigned chunk = 1u << 18;
    const size_t chunk_bytes = chunk * sizeof(float);
    float *host = malloc(chunk_bytes * CHUNKS), *out = NULL;
    unsigned seed = 3;
    for (unsigned i = 0; i < chunk * CHUNKS; i++) host[i] = frand(&seed);
    setup();
    CHECK(cuMemAllocHost((void **)&out, chunk_bytes * CHUNKS));
    CUmodule mod;
    CUfunction scale;
    CHECK(cuModuleLoadData(&mod, ptx));
    CHECK(cuModuleGetFunction(&scale, mod, "scale"));
    CUstream up, work;
    int least, greatest;
    CHECK(cuCtxGetStreamPriorityRange(&least, &greatest));
    CHECK(cuStreamCreateWithPriority(&up, CU_STREAM_NON_BLOCKING, least));
    CHECK(cuStreamCreateWithPriority(&work, CU_STREAM_NON_BLOCKING, greatest));
    CUevent start, stop, ready[CHUNKS];
    CHECK(cuEventCreate(&start, CU_EVENT_DEFAULT));
    CHECK(cuEventCreate(&stop, CU_EVENT_DEFAULT));
    for (int i = 0; i < CHUNKS; i++) CHECK(cuEventCreate(&ready[i], CU_EVENT_DISABLE_TIMING));
    CUdeviceptr d;
    CHECK(cuMemAlloc(&d, chunk_bytes * CHUNKS));
    CHECK(cuEventRecord(start, up));
    for (int i = 0; i < CHUNKS; i++) {
        CHECK(cuMemcpyHtoDAsync(d + i * chunk_bytes, host + i * chunk, chunk_bytes, up));
        CHECK(cuEventRecord(ready[i], up));
    }
    float two = 2.0f;
    for (int i = 0; i < CHUNKS; i++) {
        CUdeviceptr p = d + i * chunk_bytes;
        void *args[] = {&p, &two, (void *)&chunk};
        CHECK(cuStreamWaitEvent(work, ready[i], 0));
        LAUNCH(cuLaunchKernel(scale, chunk / 256, 1, 1, 256, 1, 1, 0, work, args, NULL));
        CHECK(cuMemcpyDtoHAsync(out + i * chunk, p, chunk_bytes, work));
    }
    CHECK(cuEventRecord(stop, work));
    CHECK(cuEventSynchronize(stop));
    CHECK(cuStreamSynchronize(up));
    CHECK(cuStreamQuery(work));
    float ms = 0;
    CHECK(cuEventElapsedTime(&ms, start, stop));
    unsigned bad = 0;
    for (unsigned i = 0; i < chunk * CHUNKS; i++)
        if (out[i] != host[i] * 2.0f) bad++;
    printf("pipeline: %d chunks of %zu bytes, %u wrong, %.3f ms between the events\n", CHUNKS, chunk_bytes, bad, ms);
    for (int i = 0; i < CHUNKS; i++) CHECK(cuEventDestroy(ready[i]));
    CHECK(cuEventDestroy(start));
    CHECK(cuEventDestroy(stop));
    CHECK(cuStreamDestroy(up));
    CHECK(cuStreamDestroy(work));
    CHECK(cuMemFree(d));
    CHECK(cuMemFreeHost(out));
    CHECK(cuModuleUnload(mod));
    printf("%s\n", bad ? "streams-events: FAILED" : "streams-events: ok");
    return bad ? 1 : 0;
}
