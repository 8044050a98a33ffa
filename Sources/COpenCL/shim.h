// C entry point for the OpenCL API. The target version is pinned so that the
// headers expose exactly the 1.2 API the runtime uses (PoCL and NVIDIA both offer it)
// and do not warn about deprecated calls.
#ifndef COPENCL_SHIM_H
#define COPENCL_SHIM_H

#define CL_TARGET_OPENCL_VERSION 120
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#include <CL/cl.h>

#endif
