// CUDA graphs through the runtime API, built by nvcc with static and with
// shared libcudart: a graph captured from a stream and a graph built node by
// node (memset and memcpy nodes), then a captured kernel. It runs unmodified
// on NVIDIA's driver or through cuvm.
// Exit codes: see common.h.
#include <cstring>
#include <cstdint>
#include <vector>
#include "common.h"

__global__ void scale(float *x, float f, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] *= f;
}

int main() {
    const size_t n = 4 << 20;
    std::vector<uint8_t> back(n);
    uint8_t *d1, *d2;
    CHECK(cudaMalloc(&d1, n));
    CHECK(cudaMalloc(&d2, n));
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    bool all;

    // A graph captured from a stream: memset, then a device copy; replayed twice.
    cudaGraph_t g;
    cudaGraphExec_t ge;
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    CHECK(cudaMemsetAsync(d1, 0x11, n, s));
    CHECK(cudaMemcpyAsync(d2, d1, n, cudaMemcpyDeviceToDevice, s));
    CHECK(cudaStreamEndCapture(s, &g));
    size_t nodes = 0;
    CHECK(cudaGraphGetNodes(g, nullptr, &nodes));
    printf("captured graph: %zu nodes\n", nodes);
    CHECK(cudaGraphInstantiate(&ge, g, 0));
    CHECK(cudaMemset(d2, 0, n));
    CHECK(cudaGraphLaunch(ge, s));
    CHECK(cudaGraphLaunch(ge, s));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaMemcpy(back.data(), d2, n, cudaMemcpyDeviceToHost));
    all = true;
    for (size_t i = 0; i < (n); i++) all &= back[i] == 0x11;
    expect(all, "graph captured from a stream (memset + copy), launched twice");
    CHECK(cudaGraphExecDestroy(ge));
    CHECK(cudaGraphDestroy(g));

    // A graph built node by node: memset node -> memcpy node.
    CHECK(cudaGraphCreate(&g, 0));
    cudaMemsetParams mp = {};
    mp.dst = d1;
    mp.value = 0x22;
    mp.elementSize = 1;
    mp.width = 1 << 20;
    mp.height = 1;
    cudaGraphNode_t memset_node, copy_node;
    CHECK(cudaGraphAddMemsetNode(&memset_node, g, nullptr, 0, &mp));
    CHECK(cudaGraphAddMemcpyNode1D(&copy_node, g, &memset_node, 1, d2, d1, 1 << 20, cudaMemcpyDeviceToDevice));
    CHECK(cudaGraphInstantiate(&ge, g, 0));
    CHECK(cudaGraphLaunch(ge, s));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaMemcpy(back.data(), d2, 1 << 20, cudaMemcpyDeviceToHost));
    all = true;
    for (size_t i = 0; i < (1 << 20); i++) all &= back[i] == 0x22;
    expect(all, "graph of a memset node and a memcpy node");
    CHECK(cudaGraphExecDestroy(ge));
    CHECK(cudaGraphDestroy(g));

    // A captured kernel, replayed three times: x * 2^3.
    const int count = 1 << 16;
    std::vector<float> h(count);
    for (int i = 0; i < count; i++) h[i] = (float)i;
    float *x = (float *)d1;
    CHECK(cudaMemcpy(x, h.data(), count * sizeof(float), cudaMemcpyHostToDevice));
    cudaStreamCaptureStatus status;
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    CHECK(cudaStreamIsCapturing(s, &status));
    expect(status == cudaStreamCaptureStatusActive, "cudaStreamIsCapturing during a capture");
    scale<<<(count + 255) / 256, 256, 0, s>>>(x, 2.0f, count);
    cudaError_t e = cudaStreamEndCapture(s, &g);
    check_first_kernel(e, e == cudaErrorNotSupported || e == cudaErrorStreamCaptureInvalidated);
    CHECK(cudaGraphInstantiate(&ge, g, 0));
    for (int r = 0; r < 3; r++) CHECK(cudaGraphLaunch(ge, s));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaMemcpy(h.data(), x, count * sizeof(float), cudaMemcpyDeviceToHost));
    int wrong = 0;
    for (int i = 0; i < count; i++) wrong += h[i] != 8.0f * i;
    printf("captured kernel replayed 3 times: %d wrong of %d\n", wrong, count);
    expect(wrong == 0, "graph with a kernel node");
    CHECK(cudaGraphExecDestroy(ge));
    CHECK(cudaGraphDestroy(g));
    CHECK(cudaStreamDestroy(s));
    CHECK(cudaFree(d1));
    CHECK(cudaFree(d2));
    printf("runtime graphs: all verified\n");
    return 0;
}
