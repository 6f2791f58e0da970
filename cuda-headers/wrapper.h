/* The one translation unit the generator feeds to libclang. With
 * __CUDA_API_VERSION_INTERNAL defined, cuda.h declares every exported entry
 * point: legacy names, _v2/_v3/_v4 and the _ptds/_ptsz per-thread variants. */
#define __CUDA_API_VERSION_INTERNAL 1
#include "cuda.h"
#include "cudaGL.h"
#include "cudaEGL.h"
#include <vdpau/vdpau.h>
#include "cudaVDPAU.h"
