/* Interprocess handles through cuvm. Run as
 *   ipc export          exports a buffer and an event, prints their handles
 *                       (hex), then frees the buffer when a line arrives on
 *                       stdin and exits at end of input;
 *   ipc open MEM EVENT  tries to open those handles (and forged ones).
 * Prints one line per step: "<step>: <result>". */
#include <cuda.h>
#include <stdio.h>
#include <string.h>

static const char *name(CUresult r) {
    const char *n = "?";
    cuGetErrorName(r, &n);
    return n;
}

static void hex(const char *what, const char *bytes) {
    printf("%s ", what);
    for (int i = 0; i < 64; i++) printf("%02x", (unsigned char)bytes[i]);
    printf("\n");
}

static int unhex(const char *s, char *out) {
    if (strlen(s) != 128) return -1;
    for (int i = 0; i < 64; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) return -1;
        out[i] = (char)v;
    }
    return 0;
}

int main(int argc, char **argv) {
    CUdevice dev;
    CUcontext ctx;
    if (argc < 2 || cuInit(0) || cuDeviceGet(&dev, 0) || cuDevicePrimaryCtxRetain(&ctx, dev) || cuCtxSetCurrent(ctx)) {
        printf("setup failed\n");
        return 1;
    }
    if (!strcmp(argv[1], "export")) {
        CUdeviceptr p;
        CUevent ev, timed;
        CUipcMemHandle mh;
        CUipcEventHandle eh, th;
        if (cuMemAlloc(&p, 4096) || cuMemsetD8(p, 7, 4096) || cuEventCreate(&ev, CU_EVENT_INTERPROCESS | CU_EVENT_DISABLE_TIMING) ||
            cuEventCreate(&timed, CU_EVENT_DEFAULT)) {
            printf("export setup failed\n");
            return 1;
        }
        printf("get mem: %s\n", name(cuIpcGetMemHandle(&mh, p)));
        printf("get event: %s\n", name(cuIpcGetEventHandle(&eh, ev)));
        printf("get timed event: %s\n", name(cuIpcGetEventHandle(&th, timed)));
        CUipcMemHandle other;
        printf("get unallocated: %s\n", name(cuIpcGetMemHandle(&other, p + (1 << 20))));
        CUdeviceptr mine = 0;
        printf("open own: %s\n", name(cuIpcOpenMemHandle(&mine, mh, CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS)));
        hex("handles", mh.reserved);
        hex("event", eh.reserved);
        fflush(stdout);
        char line[64];
        if (fgets(line, sizeof line, stdin)) {
            printf("free: %s\n", name(cuMemFree(p)));
            fflush(stdout);
        }
        while (fgets(line, sizeof line, stdin)) {
        }
        return 0;
    }
    if (!strcmp(argv[1], "open") && argc == 4) {
        CUipcMemHandle mh;
        CUipcEventHandle eh;
        if (unhex(argv[2], mh.reserved) || unhex(argv[3], eh.reserved)) {
            printf("bad arguments\n");
            return 1;
        }
        CUdeviceptr p = 0;
        CUevent ev = NULL;
        printf("open mem: %s\n", name(cuIpcOpenMemHandle(&p, mh, CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS)));
        printf("open event: %s\n", name(cuIpcOpenEventHandle(&ev, eh)));
        CUipcMemHandle forged = mh;
        forged.reserved[9] ^= 0x40;
        printf("open forged: %s\n", name(cuIpcOpenMemHandle(&p, forged, CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS)));
        CUipcMemHandle zeros;
        memset(&zeros, 0, sizeof zeros);
        printf("open zeros: %s\n", name(cuIpcOpenMemHandle(&p, zeros, CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS)));
        CUipcEventHandle as_event;
        memcpy(as_event.reserved, mh.reserved, 64);
        printf("open mem as event: %s\n", name(cuIpcOpenEventHandle(&ev, as_event)));
        CUdeviceptr q;
        cuMemAlloc(&q, 256);
        printf("close not opened: %s\n", name(cuIpcCloseMemHandle(q)));
        return 0;
    }
    printf("usage: ipc export | ipc open MEM EVENT\n");
    return 1;
}
