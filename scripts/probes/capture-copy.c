#include <stdio.h>
#include <cuda.h>
int main(void) {
  CUdevice d; CUcontext c; CUstream s; CUdeviceptr p; CUgraph g = 0; char buf[4096] = {1};
  cuInit(0); cuDeviceGet(&d, 0); cuDevicePrimaryCtxRetain(&c, d); cuCtxSetCurrent(c);
  cuStreamCreate(&s, 1); cuMemAlloc(&p, sizeof buf);
  const char *n;
  CUresult r = cuStreamBeginCapture(s, CU_STREAM_CAPTURE_MODE_GLOBAL); cuGetErrorName(r, &n); printf("begin capture: %s\n", n);
  r = cuMemcpyHtoDAsync(p, buf, sizeof buf, s); cuGetErrorName(r, &n); printf("HtoD async in capture: %s\n", n);
  r = cuStreamEndCapture(s, &g); cuGetErrorName(r, &n); printf("end capture: %s (graph %s)\n", n, g ? "made" : "none");
  r = cuStreamSynchronize(s); cuGetErrorName(r, &n); printf("synchronize after: %s\n", n);
  r = cuStreamBeginCapture(s, CU_STREAM_CAPTURE_MODE_GLOBAL); cuGetErrorName(r, &n); printf("begin capture 2: %s\n", n);
  r = cuMemcpyDtoHAsync(buf, p, sizeof buf, s); cuGetErrorName(r, &n); printf("DtoH async in capture: %s\n", n);
  g = 0; r = cuStreamEndCapture(s, &g); cuGetErrorName(r, &n); printf("end capture 2: %s (graph %s)\n", n, g ? "made" : "none");
  return 0;
}
