// cuBLAS and cuFFT from a runtime-API program, built by nvcc with static and
// with shared libcudart. The libraries are opened at run time (libcublas,
// libcufft of CUDA 13 or 12, wherever the loader finds them: on the GPU
// machine, PyTorch's wheels ship them), so building needs neither; without
// them the program says so and exits 2. An SGEMM and a complex FFT are
// checked against the CPU. Exit codes: see common.h (2: libraries absent).
#include <cmath>
#include <cstdint>
#include <dlfcn.h>
#include <vector>
#include "common.h"

typedef int (*blas_create_t)(void **);
typedef int (*blas_destroy_t)(void *);
typedef int (*sgemm_t)(void *, int, int, int, int, int, const float *, const float *, int, const float *, int,
                       const float *, float *, int);
typedef int (*fft_plan1d_t)(int *, int, int, int);
typedef int (*fft_exec_c2c_t)(int, float2 *, float2 *, int);
typedef int (*fft_destroy_t)(int);

static void *open_first(const char *const *names) {
    for (int i = 0; names[i]; i++) {
        void *h = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
        if (h) {
            printf("loaded %s\n", names[i]);
            return h;
        }
    }
    return nullptr;
}

static float rnd(uint64_t &x) {
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    return (float)((x * 0x2545F4914F6CDD1DULL) >> 40) / (float)(1 << 24) - 0.5f;
}

int main() {
    const char *blas_names[] = {"libcublas.so.13", "libcublas.so.12", nullptr};
    const char *fft_names[] = {"libcufft.so.12", "libcufft.so.13", "libcufft.so.11", nullptr};
    void *blas = open_first(blas_names);
    void *fft = open_first(fft_names);
    if (!blas || !fft) {
        printf("cuBLAS or cuFFT not found by the loader (%s): nothing to check\n", dlerror());
        return 2;
    }
    blas_create_t create = (blas_create_t)dlsym(blas, "cublasCreate_v2");
    blas_destroy_t destroy = (blas_destroy_t)dlsym(blas, "cublasDestroy_v2");
    sgemm_t sgemm = (sgemm_t)dlsym(blas, "cublasSgemm_v2");
    fft_plan1d_t plan1d = (fft_plan1d_t)dlsym(fft, "cufftPlan1d");
    fft_exec_c2c_t exec = (fft_exec_c2c_t)dlsym(fft, "cufftExecC2C");
    fft_destroy_t fdestroy = (fft_destroy_t)dlsym(fft, "cufftDestroy");
    expect(create && destroy && sgemm && plan1d && exec && fdestroy, "library entry points found");

    // SGEMM: C = A * B, column-major, 512 x 512.
    const int n = 512;
    std::vector<float> a(n * n), b(n * n), c(n * n), ref(n * n, 0.0f);
    uint64_t x = 99;
    for (auto &v : a) v = rnd(x);
    for (auto &v : b) v = rnd(x);
    for (int j = 0; j < n; j++)
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++) ref[j * n + i] += a[k * n + i] * b[j * n + k];
    float *da, *db, *dc;
    CHECK(cudaMalloc(&da, n * n * sizeof(float)));
    CHECK(cudaMalloc(&db, n * n * sizeof(float)));
    CHECK(cudaMalloc(&dc, n * n * sizeof(float)));
    CHECK(cudaMemcpy(da, a.data(), n * n * sizeof(float), cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(db, b.data(), n * n * sizeof(float), cudaMemcpyHostToDevice));
    void *handle = nullptr;
    int st = create(&handle);
    printf("cublasCreate: %d\n", st);
    expect(st == 0, "cublasCreate");
    const float one = 1.0f, zero = 0.0f;
    st = sgemm(handle, 0, 0, n, n, n, &one, da, n, db, n, &zero, dc, n);
    expect(st == 0, "cublasSgemm accepted");
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(c.data(), dc, n * n * sizeof(float), cudaMemcpyDeviceToHost));
    double worst = 0;
    for (int i = 0; i < n * n; i++) worst = fmax(worst, fabs(c[i] - ref[i]));
    printf("cuBLAS SGEMM %dx%d: max abs difference from the CPU %.3g\n", n, n, worst);
    expect(worst < 1e-3, "cuBLAS SGEMM matches the CPU");
    expect(destroy(handle) == 0, "cublasDestroy");

    // FFT: 4096-point complex forward transform, checked against a direct DFT.
    const int m = 4096;
    std::vector<float2> in(m), out(m);
    for (auto &v : in) v = make_float2(rnd(x), rnd(x));
    float2 *dio;
    CHECK(cudaMalloc(&dio, m * sizeof(float2)));
    CHECK(cudaMemcpy(dio, in.data(), m * sizeof(float2), cudaMemcpyHostToDevice));
    int plan = 0;
    expect(plan1d(&plan, m, 0x29 /* CUFFT_C2C */, 1) == 0, "cufftPlan1d");
    expect(exec(plan, dio, dio, -1 /* CUFFT_FORWARD */) == 0, "cufftExecC2C accepted");
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(out.data(), dio, m * sizeof(float2), cudaMemcpyDeviceToHost));
    double err = 0, scale = 0;
    for (int k = 0; k < m; k += 17) {
        double re = 0, im = 0;
        for (int t = 0; t < m; t++) {
            double ang = -2.0 * M_PI * (double)k * t / m;
            re += in[t].x * cos(ang) - in[t].y * sin(ang);
            im += in[t].x * sin(ang) + in[t].y * cos(ang);
        }
        err = fmax(err, fmax(fabs(re - out[k].x), fabs(im - out[k].y)));
        scale = fmax(scale, fmax(fabs(re), fabs(im)));
    }
    printf("cuFFT C2C %d points: max abs difference from a direct DFT %.3g (largest bin %.3g)\n", m, err, scale);
    expect(err < 1e-3 * scale + 1e-3, "cuFFT matches a direct DFT");
    expect(fdestroy(plan) == 0, "cufftDestroy");
    CHECK(cudaFree(da));
    CHECK(cudaFree(db));
    CHECK(cudaFree(dc));
    CHECK(cudaFree(dio));
    printf("runtime libraries: all verified\n");
    return 0;
}
