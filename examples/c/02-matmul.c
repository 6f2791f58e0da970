/* 02-matmul: C = A x B for 256 x 256 floats with a naive kernel from PTX;
 * checked against a product computed on the CPU. */
#include "common.h"
#include <math.h>

/* One thread per element: row = ctaid.y*ntid.y+tid.y, col = ctaid.x*ntid.x+tid.x. */
static const char ptx[] =
    ".version 8.0\n"
    ".target sm_75\n"
    ".address_size 64\n"
    ".visible .entry matmul(.param .u64 pa, .param .u64 pb, .param .u64 pc, .param .u32 pn)\n"
    "{\n"
    "  .reg .pred %p<4>;\n"
    "  .reg .b32 %r<16>;\n"
    "  .reg .f32 %f<5>;\n"
    "  .reg .b64 %rd<16>;\n"
    "  ld.param.u64 %rd1, [pa];\n"
    "  ld.param.u64 %rd2, [pb];\n"
    "  ld.param.u64 %rd3, [pc];\n"
    "  ld.param.u32 %r1, [pn];\n"
    "  cvta.to.global.u64 %rd1, %rd1;\n"
    "  cvta.to.global.u64 %rd2, %rd2;\n"
    "  cvta.to.global.u64 %rd3, %rd3;\n"
    "  mov.u32 %r2, %ctaid.y;\n"
    "  mov.u32 %r3, %ntid.y;\n"
    "  mov.u32 %r4, %tid.y;\n"
    "  mad.lo.s32 %r5, %r2, %r3, %r4;\n" /* row */
    "  mov.u32 %r2, %ctaid.x;\n"
    "  mov.u32 %r3, %ntid.x;\n"
    "  mov.u32 %r4, %tid.x;\n"
    "  mad.lo.s32 %r6, %r2, %r3, %r4;\n" /* col */
    "  setp.ge.u32 %p1, %r5, %r1;\n"
    "  setp.ge.u32 %p2, %r6, %r1;\n"
    "  or.pred %p3, %p1, %p2;\n"
    "  @%p3 bra DONE;\n"
    "  mov.f32 %f1, 0f00000000;\n"
    "  mov.u32 %r7, 0;\n"
    "  mul.lo.s32 %r8, %r5, %r1;\n" /* row * n */
    "LOOP:\n"
    "  add.s32 %r9, %r8, %r7;\n" /* row*n + k */
    "  mul.wide.u32 %rd4, %r9, 4;\n"
    "  add.s64 %rd5, %rd1, %rd4;\n"
    "  ld.global.f32 %f2, [%rd5];\n"
    "  mad.lo.s32 %r10, %r7, %r1, %r6;\n" /* k*n + col */
    "  mul.wide.u32 %rd6, %r10, 4;\n"
    "  add.s64 %rd7, %rd2, %rd6;\n"
    "  ld.global.f32 %f3, [%rd7];\n"
    "  fma.rn.f32 %f1, %f2, %f3, %f1;\n"
    "  add.s32 %r7, %r7, 1;\n"
    "  setp.lt.u32 %p1, %r7, %r1;\n"
    "  @%p1 bra LOOP;\n"
    "  add.s32 %r11, %r8, %r6;\n"
    "  mul.wide.u32 %rd8, %r11, 4;\n"
    "  add.s64 %rd9, %rd3, %rd8;\n"
    "  st.global.f32 [%rd9], %f1;\n"
    "DONE:\n"
    "  ret;\n"
    "}\n";

int main(void) {
    const unsigned n = 256;
    const size_t bytes = (size_t)n * n * sizeof(float);
    float *a = malloc(bytes), *b = malloc(bytes), *c = malloc(bytes);
    unsigned seed = 7;
    for (unsigned i = 0; i < n * n; i++) {
        a[i] = frand(&seed) - 0.5f;
        b[i] = frand(&seed) - 0.5f;
    }
    setup();
    CUmodule mod;
    CUfunction mm;
    CUdeviceptr da, db, dc;
    CHECK(cuModuleLoadData(&mod, ptx));
    CHECK(cuModuleGetFunction(&mm, mod, "matmul"));
    size_t off, size;
    CHECK(cuFuncGetParamInfo(mm, 3, &off, &size));
    printf("matmul parameter 3: offset %zu, size %zu\n", off, size);
    CHECK(cuMemAlloc(&da, bytes));
    CHECK(cuMemAlloc(&db, bytes));
    CHECK(cuMemAlloc(&dc, bytes));
    CHECK(cuMemcpyHtoD(da, a, bytes));
    CHECK(cuMemcpyHtoD(db, b, bytes));
    void *args[] = {&da, &db, &dc, (void *)&n};
    LAUNCH(cuLaunchKernel(mm, n / 16, n / 16, 1, 16, 16, 1, 0, NULL, args, NULL));
    CHECK(cuMemcpyDtoH(c, dc, bytes));
    double worst = 0;
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < n; j++) {
            double s = 0;
            for (unsigned k = 0; k < n; k++) s += (double)a[i * n + k] * b[k * n + j];
            double d = fabs(s - c[i * n + j]);
            if (d > worst) worst = d;
        }
    printf("matmul %ux%u: largest difference from the CPU product %.2e\n", n, n, worst);
    CHECK(cuMemFree(da));
    CHECK(cuMemFree(db));
    CHECK(cuMemFree(dc));
    CHECK(cuModuleUnload(mod));
    int ok = worst < 1e-3;
    printf("%s\n", ok ? "matmul: ok" : "matmul: FAILED");
    return ok ? 0 : 1;
}
