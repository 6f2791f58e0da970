/* Interprocess memory and events, across a fork: the parent exports a
 * buffer and an event, the child opens both, waits on the event, checks the
 * parent's data and writes its own, and the parent checks that. Each process
 * initialises CUDA after the fork (a CUDA context does not survive one).
 * Through cuvm both processes are guest processes of one VM: cuvm's
 * handles open in the other process's session, never in another VM.
 * Exit codes: 0 verified; 1 a failure; 3 the device cannot open
 * interprocess handles (cuvm's emulated backend). */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

#define N (1 << 20)

static void xfer(int fd, void *buf, size_t n, int writing) {
    char *p = buf;
    while (n > 0) {
        ssize_t k = writing ? write(fd, p, n) : read(fd, p, n);
        if (k <= 0) {
            printf("FAIL: pipe %s\n", writing ? "write" : "read");
            exit(1);
        }
        p += k;
        n -= (size_t)k;
    }
}

static int child(int in, int out) {
    CUipcMemHandle mh;
    CUipcEventHandle eh;
    xfer(in, &mh, sizeof mh, 0);
    xfer(in, &eh, sizeof eh, 0);
    setup();
    CUdeviceptr p;
    CUresult r = cuIpcOpenMemHandle(&p, mh, CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS);
    if (r == CUDA_ERROR_NOT_SUPPORTED) {
        printf("child: interprocess handles cannot be opened on this device\n");
        char status = 3;
        xfer(out, &status, 1, 1);
        return EXIT_NO_KERNELS;
    }
    CHECK(r);
    CUevent ev;
    CHECK(cuIpcOpenEventHandle(&ev, eh));
    CHECK(cuStreamWaitEvent(NULL, ev, 0));
    unsigned *h = malloc(N * sizeof *h);
    CHECK(cuMemcpyDtoH(h, p, N * sizeof *h));
    for (unsigned i = 0; i < N; i++) {
        if (h[i] != i * 3u) {
            printf("FAIL: child read %u at %u, want %u\n", h[i], i, i * 3u);
            exit(1);
        }
    }
    printf("child: read the parent's %d values through the opened handle\n", N);
    CHECK(cuMemsetD32(p, 0xc0ffee, N));
    CHECK(cuCtxSynchronize());
    CHECK(cuEventDestroy(ev));
    CHECK(cuIpcCloseMemHandle(p));
    printf("child: closed: %s\n", cuIpcCloseMemHandle(p) == CUDA_SUCCESS ? "twice?" : "a second close is refused");
    char status = 0;
    xfer(out, &status, 1, 1);
    free(h);
    return 0;
}

int main(void) {
    int down[2], up[2];
    if (pipe(down) || pipe(up)) {
        printf("FAIL: pipe\n");
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        printf("FAIL: fork\n");
        return 1;
    }
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        exit(child(down[0], up[1]));
    }
    close(down[0]);
    close(up[1]);
    setup();
    unsigned *h = malloc(N * sizeof *h);
    for (unsigned i = 0; i < N; i++) h[i] = i * 3u;
    CUdeviceptr p;
    CUevent ev, timed;
    CHECK(cuMemAlloc(&p, N * sizeof *h));
    CHECK(cuMemcpyHtoD(p, h, N * sizeof *h));
    CHECK(cuEventCreate(&ev, CU_EVENT_INTERPROCESS | CU_EVENT_DISABLE_TIMING));
    CHECK(cuEventRecord(ev, NULL));
    CUipcMemHandle mh;
    CUipcEventHandle eh, th;
    CHECK(cuIpcGetMemHandle(&mh, p));
    CHECK(cuIpcGetEventHandle(&eh, ev));
    CHECK(cuEventCreate(&timed, CU_EVENT_DEFAULT));
    const char *n = "?";
    cuGetErrorName(cuIpcGetEventHandle(&th, timed), &n);
    printf("parent: exporting a timed event: %s\n", n);
    CUdeviceptr own;
    cuGetErrorName(cuIpcOpenMemHandle(&own, mh, CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS), &n);
    printf("parent: opening its own handle: %s\n", n);
    xfer(down[1], &mh, sizeof mh, 1);
    xfer(down[1], &eh, sizeof eh, 1);
    char status = 1;
    xfer(up[0], &status, 1, 0);
    int ws = 0;
    waitpid(pid, &ws, 0);
    if (status == 3) return EXIT_NO_KERNELS;
    if (status != 0 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
        printf("FAIL: the child failed\n");
        return 1;
    }
    CHECK(cuMemcpyDtoH(h, p, N * sizeof *h));
    for (unsigned i = 0; i < N; i++) {
        if (h[i] != 0xc0ffee) {
            printf("FAIL: parent read %#x at %u, want 0xc0ffee\n", h[i], i);
            return 1;
        }
    }
    CHECK(cuEventDestroy(ev));
    CHECK(cuEventDestroy(timed));
    CHECK(cuMemFree(p));
    free(h);
    printf("ipc: the child read the parent's buffer and wrote it back, verified\n");
    return 0;
}
