#include <cstdio>
#include <cuda_runtime.h>
__global__ void add(const float*a,const float*b,float*c,int n){int i=blockIdx.x*blockDim.x+threadIdx.x; if(i<n)c[i]=a[i]+b[i];}
int main(){int n=1<<20; size_t sz=n*sizeof(float); float*h=(float*)malloc(sz); for(int i=0;i<n;i++)h[i]=i;
 float*a,*b,*c; cudaError_t e=cudaMalloc(&a,sz); printf("cudaMalloc: %s (%d)\n", cudaGetErrorString(e), (int)e); if(e) return 1;
 cudaMalloc(&b,sz); cudaMalloc(&c,sz); cudaMemcpy(a,h,sz,cudaMemcpyHostToDevice); cudaMemcpy(b,h,sz,cudaMemcpyHostToDevice);
 add<<<(n+255)/256,256>>>(a,b,c,n); e=cudaDeviceSynchronize(); printf("sync: %s\n", cudaGetErrorString(e));
 cudaMemcpy(h,c,sz,cudaMemcpyDeviceToHost); int bad=0; for(int i=0;i<n;i++) if(h[i]!=2.0f*i) bad++; printf("vadd-runtime: %d wrong\n",bad); return bad!=0;}
