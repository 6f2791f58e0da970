// A multi-stream pipeline through the runtime API, built by nvcc with static
// and with shared libcudart: chunks of incompressible data go host -> device
// -> host on four streams, with events between streams and host callbacks
// (cudaLaunchHostFunc, cudaStreamAddCallback) that must run in stream order.
// The copies-only pipeline comes first (no kernel: CI runs it against cuvm's
// emulated backend), then the same pipeline with a kernel per chunk.
// Exit codes: see common.h.
#include <atomic>
#include <cstdint>
#include <cstring>
#include <vector>
#include "common.h"

static const int STREAMS = 4;
static const int CHUNKS = 32;
static const size_t CHUNK = 256 << 10;  // bytes

struct Tick {
    std::atomic<int> *next;  // the next sequence number this stream expects
    int seq;
    std::atomic<int> *bad;
};

static void CUDART_CB host_func(void *p) {
    Tick *t = (Tick *)p;
    int expected = t->next->fetch_add(1);
    if (expected != t->seq) t->bad->fetch_add(1);
}

static void CUDART_CB stream_callback(cudaStream_t, cudaError_t status, void *p) {
    Tick *t = (Tick *)p;
    if (status != cudaSuccess) t->bad->fetch_add(1);
    host_func(p);
}

static void fill_random(uint8_t *v, size_t n, uint64_t seed) {
    uint64_t x = seed | 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
        v[i] = (uint8_t)((x * 0x2545F4914F6CDD1DULL) >> 56);
    }
}

__global__ void invert(uint8_t *x, size_t n) {
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] = (uint8_t)~x[i];
}

// One pass of the pipeline; with `kernel`, each chunk is inverted on the device.
static int pipeline(bool kernel, uint8_t *in, uint8_t *out, uint8_t *dev, cudaStream_t *s, cudaEvent_t *done) {
    std::atomic<int> next[STREAMS];
    std::atomic<int> bad(0);
    for (int i = 0; i < STREAMS; i++) next[i] = 0;
    std::vector<Tick> ticks(2 * CHUNKS);
    int seq[STREAMS] = {0};
    memset(out, 0, CHUNKS * CHUNK);
    for (int c = 0; c < CHUNKS; c++) {
        int k = c % STREAMS;
        uint8_t *d = dev + c * CHUNK;
        // A chunk waits for the previous chunk's stream to finish its copy in,
        // so that streams also depend on each other.
        if (c > 0) CHECK(cudaStreamWaitEvent(s[k], done[(c - 1) % STREAMS], 0));
        CHECK(cudaMemcpyAsync(d, in + c * CHUNK, CHUNK, cudaMemcpyHostToDevice, s[k]));
        CHECK(cudaEventRecord(done[k], s[k]));
        ticks[2 * c] = Tick{&next[k], seq[k]++, &bad};
        CHECK(cudaLaunchHostFunc(s[k], host_func, &ticks[2 * c]));
        if (kernel) {
            invert<<<(CHUNK + 255) / 256, 256, 0, s[k]>>>(d, CHUNK);
            if (c == 0) {
                cudaError_t e = cudaGetLastError();
                check_first_kernel(e, e == cudaErrorNotSupported);
            }
        }
        CHECK(cudaMemcpyAsync(out + c * CHUNK, d, CHUNK, cudaMemcpyDeviceToHost, s[k]));
        ticks[2 * c + 1] = Tick{&next[k], seq[k]++, &bad};
        CHECK(cudaStreamAddCallback(s[k], stream_callback, &ticks[2 * c + 1], 0));
    }
    for (int k = 0; k < STREAMS; k++) CHECK(cudaStreamSynchronize(s[k]));
    int wrong = 0;
    for (size_t i = 0; i < CHUNKS * CHUNK; i++) wrong += out[i] != (uint8_t)(kernel ? ~in[i] : in[i]);
    int ran = 0;
    for (int k = 0; k < STREAMS; k++) ran += next[k].load();
    printf("%s: %d wrong bytes of %zu, %d of %d host callbacks ran, %d out of order\n",
           kernel ? "pipeline with kernels" : "copy pipeline", wrong, CHUNKS * CHUNK, ran, 2 * CHUNKS, bad.load());
    return wrong == 0 && ran == 2 * CHUNKS && bad.load() == 0;
}

int main() {
    uint8_t *in, *out, *dev;
    CHECK(cudaMallocHost(&in, CHUNKS * CHUNK));
    CHECK(cudaMallocHost(&out, CHUNKS * CHUNK));
    CHECK(cudaMalloc(&dev, CHUNKS * CHUNK));
    fill_random(in, CHUNKS * CHUNK, 12);
    cudaStream_t s[STREAMS];
    cudaEvent_t done[STREAMS];
    for (int k = 0; k < STREAMS; k++) {
        CHECK(cudaStreamCreateWithFlags(&s[k], cudaStreamNonBlocking));
        CHECK(cudaEventCreateWithFlags(&done[k], cudaEventDisableTiming));
    }
    cudaEvent_t t0, t1;
    CHECK(cudaEventCreate(&t0));
    CHECK(cudaEventCreate(&t1));
    CHECK(cudaEventRecord(t0, s[0]));
    expect(pipeline(false, in, out, dev, s, done), "copy pipeline on 4 streams, callbacks in stream order");
    CHECK(cudaEventRecord(t1, s[0]));
    CHECK(cudaEventSynchronize(t1));
    float ms = -1;
    CHECK(cudaEventElapsedTime(&ms, t0, t1));
    expect(ms >= 0, "elapsed time between events");
    expect(pipeline(true, in, out, dev, s, done), "pipeline with a kernel per chunk");
    for (int k = 0; k < STREAMS; k++) {
        CHECK(cudaStreamDestroy(s[k]));
        CHECK(cudaEventDestroy(done[k]));
    }
    CHECK(cudaEventDestroy(t0));
    CHECK(cudaEventDestroy(t1));
    CHECK(cudaFree(dev));
    CHECK(cudaFreeHost(in));
    CHECK(cudaFreeHost(out));
    printf("runtime streams: all verified\n");
    return 0;
}
