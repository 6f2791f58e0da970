#![allow(non_snake_case, unused_variables)]

//! What the guest library implements: one entry per entry point, routing to
//! the module of its API area. Every entry point not listed here keeps the
//! `Driver` default (`CUDA_ERROR_NOT_SUPPORTED`, logged once); the annotation
//! table (`abi/annotations.tsv`) must agree, which the tests check.

use core::ffi::{c_char, c_int, c_uchar, c_uint, c_ulonglong, c_ushort, c_void};

use cuvm_abi::*;
use cuvm_wire::ops;

use crate::driver::Driver;
use crate::remote::stream_id;
use crate::{
    Shim, array, context, device, errors, export_tables, graph, init, ipc, launch, library, link, memory, module, procaddress, stream, tensor,
    vmm,
};

impl Driver for Shim {
    unsafe fn cuArrayCreate_v2(pHandle: *mut CUarray, pAllocateArray: *const CUDA_ARRAY_DESCRIPTOR) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::create(pHandle, pAllocateArray) }
    }

    unsafe fn cuArray3DCreate_v2(pHandle: *mut CUarray, pAllocateArray: *const CUDA_ARRAY3D_DESCRIPTOR) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::create_3d(pHandle, pAllocateArray) }
    }

    unsafe fn cuArrayDestroy(hArray: CUarray) -> CUresult {
        array::destroy(ops::cuArrayDestroy, hArray as usize as u64)
    }

    unsafe fn cuArrayGetDescriptor_v2(pArrayDescriptor: *mut CUDA_ARRAY_DESCRIPTOR, hArray: CUarray) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::descriptor(pArrayDescriptor, hArray) }
    }

    unsafe fn cuArray3DGetDescriptor_v2(pArrayDescriptor: *mut CUDA_ARRAY3D_DESCRIPTOR, hArray: CUarray) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::descriptor_3d(pArrayDescriptor, hArray) }
    }

    unsafe fn cuArrayGetMemoryRequirements(
        memoryRequirements: *mut CUDA_ARRAY_MEMORY_REQUIREMENTS,
        array: CUarray,
        device: CUdevice,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::memory_requirements(ops::cuArrayGetMemoryRequirements, memoryRequirements, array as usize as u64, device) }
    }

    unsafe fn cuArrayGetSparseProperties(sparseProperties: *mut CUDA_ARRAY_SPARSE_PROPERTIES, array: CUarray) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::sparse_properties(ops::cuArrayGetSparseProperties, sparseProperties, array as usize as u64) }
    }

    unsafe fn cuArrayGetPlane(pPlaneArray: *mut CUarray, hArray: CUarray, planeIdx: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::sub_array(ops::cuArrayGetPlane, pPlaneArray, hArray as usize as u64, planeIdx) }
    }

    unsafe fn cuMipmappedArrayCreate(
        pHandle: *mut CUmipmappedArray,
        pMipmappedArrayDesc: *const CUDA_ARRAY3D_DESCRIPTOR,
        numMipmapLevels: c_uint,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::mipmapped_create(pHandle, pMipmappedArrayDesc, numMipmapLevels) }
    }

    unsafe fn cuMipmappedArrayDestroy(hMipmappedArray: CUmipmappedArray) -> CUresult {
        array::destroy(ops::cuMipmappedArrayDestroy, hMipmappedArray as usize as u64)
    }

    unsafe fn cuMipmappedArrayGetLevel(pLevelArray: *mut CUarray, hMipmappedArray: CUmipmappedArray, level: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::sub_array(ops::cuMipmappedArrayGetLevel, pLevelArray, hMipmappedArray as usize as u64, level) }
    }

    unsafe fn cuMipmappedArrayGetMemoryRequirements(
        memoryRequirements: *mut CUDA_ARRAY_MEMORY_REQUIREMENTS,
        mipmap: CUmipmappedArray,
        device: CUdevice,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memory_requirements(ops::cuMipmappedArrayGetMemoryRequirements, memoryRequirements, mipmap as usize as u64, device)
        }
    }

    unsafe fn cuMipmappedArrayGetSparseProperties(
        sparseProperties: *mut CUDA_ARRAY_SPARSE_PROPERTIES,
        mipmap: CUmipmappedArray,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::sparse_properties(ops::cuMipmappedArrayGetSparseProperties, sparseProperties, mipmap as usize as u64) }
    }

    unsafe fn cuMemcpyHtoA_v2(dstArray: CUarray, dstOffset: usize, srcHost: *const c_void, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(
                ops::cuMemcpyHtoA_v2,
                array::End::Array(dstArray, dstOffset),
                array::End::Host(array::host(srcHost)),
                ByteCount,
                None,
            )
        }
    }

    unsafe fn cuMemcpyAtoH_v2(dstHost: *mut c_void, srcArray: CUarray, srcOffset: usize, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(
                ops::cuMemcpyAtoH_v2,
                array::End::Host(array::host(dstHost)),
                array::End::Array(srcArray, srcOffset),
                ByteCount,
                None,
            )
        }
    }

    unsafe fn cuMemcpyDtoA_v2(dstArray: CUarray, dstOffset: usize, srcDevice: CUdeviceptr, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(ops::cuMemcpyDtoA_v2, array::End::Array(dstArray, dstOffset), array::End::Device(srcDevice), ByteCount, None)
        }
    }

    unsafe fn cuMemcpyAtoD_v2(dstDevice: CUdeviceptr, srcArray: CUarray, srcOffset: usize, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(ops::cuMemcpyAtoD_v2, array::End::Device(dstDevice), array::End::Array(srcArray, srcOffset), ByteCount, None)
        }
    }

    unsafe fn cuMemcpyAtoA_v2(dstArray: CUarray, dstOffset: usize, srcArray: CUarray, srcOffset: usize, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(
                ops::cuMemcpyAtoA_v2,
                array::End::Array(dstArray, dstOffset),
                array::End::Array(srcArray, srcOffset),
                ByteCount,
                None,
            )
        }
    }

    unsafe fn cuMemcpyHtoA_v2_ptds(dstArray: CUarray, dstOffset: usize, srcHost: *const c_void, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(
                ops::cuMemcpyHtoA_v2_ptds,
                array::End::Array(dstArray, dstOffset),
                array::End::Host(array::host(srcHost)),
                ByteCount,
                None,
            )
        }
    }

    unsafe fn cuMemcpyAtoH_v2_ptds(dstHost: *mut c_void, srcArray: CUarray, srcOffset: usize, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(
                ops::cuMemcpyAtoH_v2_ptds,
                array::End::Host(array::host(dstHost)),
                array::End::Array(srcArray, srcOffset),
                ByteCount,
                None,
            )
        }
    }

    unsafe fn cuMemcpyDtoA_v2_ptds(dstArray: CUarray, dstOffset: usize, srcDevice: CUdeviceptr, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(
                ops::cuMemcpyDtoA_v2_ptds,
                array::End::Array(dstArray, dstOffset),
                array::End::Device(srcDevice),
                ByteCount,
                None,
            )
        }
    }

    unsafe fn cuMemcpyAtoD_v2_ptds(dstDevice: CUdeviceptr, srcArray: CUarray, srcOffset: usize, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(
                ops::cuMemcpyAtoD_v2_ptds,
                array::End::Device(dstDevice),
                array::End::Array(srcArray, srcOffset),
                ByteCount,
                None,
            )
        }
    }

    unsafe fn cuMemcpyAtoA_v2_ptds(dstArray: CUarray, dstOffset: usize, srcArray: CUarray, srcOffset: usize, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(
                ops::cuMemcpyAtoA_v2_ptds,
                array::End::Array(dstArray, dstOffset),
                array::End::Array(srcArray, srcOffset),
                ByteCount,
                None,
            )
        }
    }

    unsafe fn cuMemcpyHtoAAsync_v2(
        dstArray: CUarray,
        dstOffset: usize,
        srcHost: *const c_void,
        ByteCount: usize,
        hStream: CUstream,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(
                ops::cuMemcpyHtoAAsync_v2,
                array::End::Array(dstArray, dstOffset),
                array::End::Host(array::host(srcHost)),
                ByteCount,
                Some(stream_id(hStream, false)),
            )
        }
    }

    unsafe fn cuMemcpyAtoHAsync_v2(
        dstHost: *mut c_void,
        srcArray: CUarray,
        srcOffset: usize,
        ByteCount: usize,
        hStream: CUstream,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(
                ops::cuMemcpyAtoHAsync_v2,
                array::End::Host(array::host(dstHost)),
                array::End::Array(srcArray, srcOffset),
                ByteCount,
                Some(stream_id(hStream, false)),
            )
        }
    }

    unsafe fn cuMemcpyHtoAAsync_v2_ptsz(
        dstArray: CUarray,
        dstOffset: usize,
        srcHost: *const c_void,
        ByteCount: usize,
        hStream: CUstream,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(
                ops::cuMemcpyHtoAAsync_v2_ptsz,
                array::End::Array(dstArray, dstOffset),
                array::End::Host(array::host(srcHost)),
                ByteCount,
                Some(stream_id(hStream, true)),
            )
        }
    }

    unsafe fn cuMemcpyAtoHAsync_v2_ptsz(
        dstHost: *mut c_void,
        srcArray: CUarray,
        srcOffset: usize,
        ByteCount: usize,
        hStream: CUstream,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            array::memcpy_1d(
                ops::cuMemcpyAtoHAsync_v2_ptsz,
                array::End::Host(array::host(dstHost)),
                array::End::Array(srcArray, srcOffset),
                ByteCount,
                Some(stream_id(hStream, true)),
            )
        }
    }

    unsafe fn cuTexObjectCreate(
        pTexObject: *mut CUtexObject,
        pResDesc: *const CUDA_RESOURCE_DESC,
        pTexDesc: *const CUDA_TEXTURE_DESC,
        pResViewDesc: *const CUDA_RESOURCE_VIEW_DESC,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::tex_create(pTexObject, pResDesc, pTexDesc, pResViewDesc) }
    }

    unsafe fn cuTexObjectDestroy(texObject: CUtexObject) -> CUresult {
        array::object_destroy(ops::cuTexObjectDestroy, texObject)
    }

    unsafe fn cuTexObjectGetResourceDesc(pResDesc: *mut CUDA_RESOURCE_DESC, texObject: CUtexObject) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::object_resource(ops::cuTexObjectGetResourceDesc, pResDesc, texObject) }
    }

    unsafe fn cuTexObjectGetTextureDesc(pTexDesc: *mut CUDA_TEXTURE_DESC, texObject: CUtexObject) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::tex_texture_desc(pTexDesc, texObject) }
    }

    unsafe fn cuTexObjectGetResourceViewDesc(pResViewDesc: *mut CUDA_RESOURCE_VIEW_DESC, texObject: CUtexObject) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::tex_view_desc(pResViewDesc, texObject) }
    }

    unsafe fn cuSurfObjectCreate(pSurfObject: *mut CUsurfObject, pResDesc: *const CUDA_RESOURCE_DESC) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::surf_create(pSurfObject, pResDesc) }
    }

    unsafe fn cuSurfObjectDestroy(surfObject: CUsurfObject) -> CUresult {
        array::object_destroy(ops::cuSurfObjectDestroy, surfObject)
    }

    unsafe fn cuSurfObjectGetResourceDesc(pResDesc: *mut CUDA_RESOURCE_DESC, surfObject: CUsurfObject) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { array::object_resource(ops::cuSurfObjectGetResourceDesc, pResDesc, surfObject) }
    }

    unsafe fn cuCtxCreate(pctx: *mut CUcontext, flags: c_uint, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::create(pctx, flags, dev) }
    }

    unsafe fn cuCtxCreate_v2(pctx: *mut CUcontext, flags: c_uint, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::create(pctx, flags, dev) }
    }

    unsafe fn cuCtxCreate_v4(pctx: *mut CUcontext, ctxCreateParams: *mut CUctxCreateParams, flags: c_uint, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        if ctxCreateParams.is_null() {
            unsafe { context::create(pctx, flags, dev) }
        } else {
            crate::driver::not_supported("cuCtxCreate_v4 with CUctxCreateParams")
        }
    }

    unsafe fn cuCtxDestroy(ctx: CUcontext) -> CUresult {
        context::destroy(ctx)
    }

    unsafe fn cuCtxDestroy_v2(ctx: CUcontext) -> CUresult {
        context::destroy(ctx)
    }

    unsafe fn cuCtxGetApiVersion(ctx: CUcontext, version: *mut c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::api_version(ctx, version) }
    }

    unsafe fn cuCtxGetCacheConfig(pconfig: *mut CUfunc_cache) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::get_cache_config(pconfig) }
    }

    unsafe fn cuCtxGetCurrent(pctx: *mut CUcontext) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::get_current(pctx) }
    }

    unsafe fn cuCtxGetDevice(device: *mut CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::get_device(device) }
    }

    unsafe fn cuCtxGetDevice_v2(device: *mut CUdevice, ctx: CUcontext) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::get_device_of(device, ctx) }
    }

    unsafe fn cuCtxGetFlags(flags: *mut c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::get_flags(flags) }
    }

    unsafe fn cuCtxGetId(ctx: CUcontext, ctxId: *mut c_ulonglong) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::get_id(ctx, ctxId) }
    }

    unsafe fn cuCtxGetLimit(pvalue: *mut usize, limit: CUlimit) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::get_limit(pvalue, limit) }
    }

    unsafe fn cuCtxGetStreamPriorityRange(leastPriority: *mut c_int, greatestPriority: *mut c_int) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::priority_range(leastPriority, greatestPriority) }
    }

    unsafe fn cuCtxPopCurrent(pctx: *mut CUcontext) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::pop(pctx) }
    }

    unsafe fn cuCtxPopCurrent_v2(pctx: *mut CUcontext) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::pop(pctx) }
    }

    unsafe fn cuCtxPushCurrent(ctx: CUcontext) -> CUresult {
        context::push(ctx)
    }

    unsafe fn cuCtxPushCurrent_v2(ctx: CUcontext) -> CUresult {
        context::push(ctx)
    }

    unsafe fn cuCtxSetCacheConfig(config: CUfunc_cache) -> CUresult {
        context::set_cache_config(config)
    }

    unsafe fn cuCtxSetCurrent(ctx: CUcontext) -> CUresult {
        context::set_current(ctx)
    }

    unsafe fn cuCtxSetLimit(limit: CUlimit, value: usize) -> CUresult {
        context::set_limit(limit, value)
    }

    unsafe fn cuCtxSynchronize() -> CUresult {
        context::synchronize()
    }

    unsafe fn cuCtxSynchronize_v2(ctx: CUcontext) -> CUresult {
        context::synchronize_context(ctx)
    }

    unsafe fn cuDeviceCanAccessPeer(canAccessPeer: *mut c_int, dev: CUdevice, peerDev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::can_access_peer(canAccessPeer, dev, peerDev) }
    }

    unsafe fn cuDeviceComputeCapability(major: *mut c_int, minor: *mut c_int, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::compute_capability(major, minor, dev) }
    }

    unsafe fn cuDeviceGet(device: *mut CUdevice, ordinal: c_int) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::get(device, ordinal) }
    }

    unsafe fn cuDeviceGetAttribute(pi: *mut c_int, attrib: CUdevice_attribute, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::attribute(pi, attrib, dev) }
    }

    unsafe fn cuDeviceGetCount(count: *mut c_int) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::count(count) }
    }

    unsafe fn cuDeviceGetMemPool(pool: *mut CUmemoryPool, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::device_pool(pool, dev) }
    }

    unsafe fn cuDeviceSetMemPool(dev: CUdevice, pool: CUmemoryPool) -> CUresult {
        memory::set_device_pool(dev, pool)
    }

    unsafe fn cuMemPoolCreate(pool: *mut CUmemoryPool, poolProps: *const CUmemPoolProps) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::pool_create(pool, poolProps) }
    }

    unsafe fn cuMemPoolDestroy(pool: CUmemoryPool) -> CUresult {
        memory::pool_destroy(pool)
    }

    unsafe fn cuMemAllocFromPoolAsync(dptr: *mut CUdeviceptr, bytesize: usize, pool: CUmemoryPool, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::alloc_from_pool(ops::cuMemAllocFromPoolAsync, dptr, bytesize, pool, stream_id(hStream, false)) }
    }

    unsafe fn cuMemAllocFromPoolAsync_ptsz(dptr: *mut CUdeviceptr, bytesize: usize, pool: CUmemoryPool, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::alloc_from_pool(ops::cuMemAllocFromPoolAsync_ptsz, dptr, bytesize, pool, stream_id(hStream, true)) }
    }

    unsafe fn cuDeviceGetByPCIBusId(dev: *mut CUdevice, pciBusId: *const c_char) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::by_pci_bus_id(dev, pciBusId) }
    }

    unsafe fn cuDeviceGetDefaultMemPool(pool_out: *mut CUmemoryPool, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::default_pool(pool_out, dev) }
    }

    unsafe fn cuDeviceGetName(name: *mut c_char, len: c_int, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::name(name, len, dev) }
    }

    unsafe fn cuDeviceGetP2PAttribute(
        value: *mut c_int,
        attrib: CUdevice_P2PAttribute,
        srcDevice: CUdevice,
        dstDevice: CUdevice,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::p2p_attribute(value, attrib.0, srcDevice, dstDevice) }
    }

    unsafe fn cuDeviceGetPCIBusId(pciBusId: *mut c_char, len: c_int, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::pci_bus_id(pciBusId, len, dev) }
    }

    unsafe fn cuDeviceGetProperties(prop: *mut CUdevprop, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::properties(prop, dev) }
    }

    unsafe fn cuDeviceGetUuid(uuid: *mut CUuuid, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::uuid(uuid, dev) }
    }

    unsafe fn cuDeviceGetUuid_v2(uuid: *mut CUuuid, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::uuid(uuid, dev) }
    }

    unsafe fn cuDevicePrimaryCtxGetState(dev: CUdevice, flags: *mut c_uint, active: *mut c_int) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::primary_state(dev, flags, active) }
    }

    unsafe fn cuDevicePrimaryCtxRelease(dev: CUdevice) -> CUresult {
        context::primary_by_device(ops::cuDevicePrimaryCtxRelease_v2, dev)
    }

    unsafe fn cuDevicePrimaryCtxRelease_v2(dev: CUdevice) -> CUresult {
        context::primary_by_device(ops::cuDevicePrimaryCtxRelease_v2, dev)
    }

    unsafe fn cuDevicePrimaryCtxReset(dev: CUdevice) -> CUresult {
        context::primary_by_device(ops::cuDevicePrimaryCtxReset_v2, dev)
    }

    unsafe fn cuDevicePrimaryCtxReset_v2(dev: CUdevice) -> CUresult {
        context::primary_by_device(ops::cuDevicePrimaryCtxReset_v2, dev)
    }

    unsafe fn cuDevicePrimaryCtxRetain(pctx: *mut CUcontext, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { context::primary_retain(pctx, dev) }
    }

    unsafe fn cuDevicePrimaryCtxSetFlags(dev: CUdevice, flags: c_uint) -> CUresult {
        context::primary_set_flags(dev, flags)
    }

    unsafe fn cuDevicePrimaryCtxSetFlags_v2(dev: CUdevice, flags: c_uint) -> CUresult {
        context::primary_set_flags(dev, flags)
    }

    unsafe fn cuDeviceTotalMem_v2(bytes: *mut usize, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::total_mem(bytes, dev) }
    }

    unsafe fn cuDriverGetVersion(driverVersion: *mut c_int) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { init::driver_get_version(driverVersion) }
    }

    unsafe fn cuEventCreate(phEvent: *mut CUevent, Flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::event_create(phEvent, Flags) }
    }

    unsafe fn cuEventDestroy(hEvent: CUevent) -> CUresult {
        stream::event_call(ops::cuEventDestroy_v2, hEvent)
    }

    unsafe fn cuEventDestroy_v2(hEvent: CUevent) -> CUresult {
        stream::event_call(ops::cuEventDestroy_v2, hEvent)
    }

    unsafe fn cuEventElapsedTime(pMilliseconds: *mut f32, hStart: CUevent, hEnd: CUevent) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::elapsed(pMilliseconds, hStart, hEnd) }
    }

    unsafe fn cuEventElapsedTime_v2(pMilliseconds: *mut f32, hStart: CUevent, hEnd: CUevent) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::elapsed(pMilliseconds, hStart, hEnd) }
    }

    unsafe fn cuEventQuery(hEvent: CUevent) -> CUresult {
        stream::event_call(ops::cuEventQuery, hEvent)
    }

    unsafe fn cuEventRecord(hEvent: CUevent, hStream: CUstream) -> CUresult {
        stream::event_record(hEvent, hStream, false)
    }

    unsafe fn cuEventRecord_ptsz(hEvent: CUevent, hStream: CUstream) -> CUresult {
        stream::event_record(hEvent, hStream, true)
    }

    unsafe fn cuEventSynchronize(hEvent: CUevent) -> CUresult {
        stream::event_call(ops::cuEventSynchronize, hEvent)
    }

    unsafe fn cuFuncGetAttribute(pi: *mut c_int, attrib: CUfunction_attribute, hfunc: CUfunction) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { module::get_attribute(pi, attrib, hfunc) }
    }

    unsafe fn cuFuncGetModule(hmod: *mut CUmodule, hfunc: CUfunction) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { module::get_module(hmod, hfunc) }
    }

    unsafe fn cuFuncGetName(name: *mut *const c_char, hfunc: CUfunction) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { module::get_name(name, hfunc) }
    }

    unsafe fn cuFuncGetParamInfo(func: CUfunction, paramIndex: usize, paramOffset: *mut usize, paramSize: *mut usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { module::param_info(func, paramIndex, paramOffset, paramSize) }
    }

    unsafe fn cuFuncSetAttribute(hfunc: CUfunction, attrib: CUfunction_attribute, value: c_int) -> CUresult {
        module::set_attribute(hfunc, attrib, value)
    }

    unsafe fn cuFuncSetCacheConfig(hfunc: CUfunction, config: CUfunc_cache) -> CUresult {
        module::set_cache_config(hfunc, config)
    }

    unsafe fn cuGetErrorName(error: CUresult, pStr: *mut *const c_char) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { errors::get_error_name(error, pStr) }
    }

    unsafe fn cuGetErrorString(error: CUresult, pStr: *mut *const c_char) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { errors::get_error_string(error, pStr) }
    }

    unsafe fn cuGetExportTable(ppExportTable: *mut *const c_void, pExportTableId: *const CUuuid) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { export_tables::get(ppExportTable, pExportTableId) }
    }

    unsafe fn cuGetProcAddress(symbol: *const c_char, pfn: *mut *mut c_void, cudaVersion: c_int, flags: cuuint64_t) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { procaddress::get_proc_address(symbol, pfn, cudaVersion, flags, core::ptr::null_mut(), true) }
    }

    unsafe fn cuGetProcAddress_v2(
        symbol: *const c_char,
        pfn: *mut *mut c_void,
        cudaVersion: c_int,
        flags: cuuint64_t,
        symbolStatus: *mut CUdriverProcAddressQueryResult,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { procaddress::get_proc_address(symbol, pfn, cudaVersion, flags, symbolStatus, false) }
    }

    unsafe fn cuStreamBeginCapture(hStream: CUstream) -> CUresult {
        graph::begin_capture(hStream, CUstreamCaptureMode::CU_STREAM_CAPTURE_MODE_GLOBAL, false)
    }

    unsafe fn cuStreamBeginCapture_ptsz(hStream: CUstream) -> CUresult {
        graph::begin_capture(hStream, CUstreamCaptureMode::CU_STREAM_CAPTURE_MODE_GLOBAL, true)
    }

    unsafe fn cuStreamBeginCapture_v2(hStream: CUstream, mode: CUstreamCaptureMode) -> CUresult {
        graph::begin_capture(hStream, mode, false)
    }

    unsafe fn cuStreamBeginCapture_v2_ptsz(hStream: CUstream, mode: CUstreamCaptureMode) -> CUresult {
        graph::begin_capture(hStream, mode, true)
    }

    unsafe fn cuStreamEndCapture(hStream: CUstream, phGraph: *mut CUgraph) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::end_capture(hStream, phGraph, false) }
    }

    unsafe fn cuStreamEndCapture_ptsz(hStream: CUstream, phGraph: *mut CUgraph) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::end_capture(hStream, phGraph, true) }
    }

    unsafe fn cuStreamIsCapturing(hStream: CUstream, captureStatus: *mut CUstreamCaptureStatus) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::is_capturing(hStream, captureStatus, false) }
    }

    unsafe fn cuStreamIsCapturing_ptsz(hStream: CUstream, captureStatus: *mut CUstreamCaptureStatus) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::is_capturing(hStream, captureStatus, true) }
    }

    unsafe fn cuThreadExchangeStreamCaptureMode(mode: *mut CUstreamCaptureMode) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::exchange_mode(mode) }
    }

    unsafe fn cuGraphCreate(phGraph: *mut CUgraph, flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::create(phGraph, flags) }
    }

    unsafe fn cuGraphAddEmptyNode(
        phGraphNode: *mut CUgraphNode,
        hGraph: CUgraph,
        dependencies: *const CUgraphNode,
        numDependencies: usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::add_empty(phGraphNode, hGraph, dependencies, numDependencies) }
    }

    unsafe fn cuGraphAddMemsetNode(
        phGraphNode: *mut CUgraphNode,
        hGraph: CUgraph,
        dependencies: *const CUgraphNode,
        numDependencies: usize,
        memsetParams: *const CUDA_MEMSET_NODE_PARAMS,
        ctx: CUcontext,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::add_memset(phGraphNode, hGraph, dependencies, numDependencies, memsetParams) }
    }

    unsafe fn cuGraphAddMemcpyNode(
        phGraphNode: *mut CUgraphNode,
        hGraph: CUgraph,
        dependencies: *const CUgraphNode,
        numDependencies: usize,
        copyParams: *const CUDA_MEMCPY3D,
        ctx: CUcontext,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::add_memcpy(phGraphNode, hGraph, dependencies, numDependencies, copyParams) }
    }

    unsafe fn cuGraphAddKernelNode(
        phGraphNode: *mut CUgraphNode,
        hGraph: CUgraph,
        dependencies: *const CUgraphNode,
        numDependencies: usize,
        nodeParams: *const CUDA_KERNEL_NODE_PARAMS_v1,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::add_kernel_v1(phGraphNode, hGraph, dependencies, numDependencies, nodeParams) }
    }

    unsafe fn cuGraphAddKernelNode_v2(
        phGraphNode: *mut CUgraphNode,
        hGraph: CUgraph,
        dependencies: *const CUgraphNode,
        numDependencies: usize,
        nodeParams: *const CUDA_KERNEL_NODE_PARAMS,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::add_kernel(phGraphNode, hGraph, dependencies, numDependencies, nodeParams) }
    }

    unsafe fn cuGraphAddEventRecordNode(
        phGraphNode: *mut CUgraphNode,
        hGraph: CUgraph,
        dependencies: *const CUgraphNode,
        numDependencies: usize,
        event: CUevent,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::add_event(ops::cuGraphAddEventRecordNode, phGraphNode, hGraph, dependencies, numDependencies, event) }
    }

    unsafe fn cuGraphAddEventWaitNode(
        phGraphNode: *mut CUgraphNode,
        hGraph: CUgraph,
        dependencies: *const CUgraphNode,
        numDependencies: usize,
        event: CUevent,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::add_event(ops::cuGraphAddEventWaitNode, phGraphNode, hGraph, dependencies, numDependencies, event) }
    }

    unsafe fn cuGraphAddChildGraphNode(
        phGraphNode: *mut CUgraphNode,
        hGraph: CUgraph,
        dependencies: *const CUgraphNode,
        numDependencies: usize,
        childGraph: CUgraph,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::add_child(phGraphNode, hGraph, dependencies, numDependencies, childGraph) }
    }

    unsafe fn cuGraphGetNodes(hGraph: CUgraph, nodes: *mut CUgraphNode, numNodes: *mut usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::nodes(ops::cuGraphGetNodes, hGraph, nodes, numNodes) }
    }

    unsafe fn cuGraphGetRootNodes(hGraph: CUgraph, rootNodes: *mut CUgraphNode, numRootNodes: *mut usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::nodes(ops::cuGraphGetRootNodes, hGraph, rootNodes, numRootNodes) }
    }

    unsafe fn cuGraphGetEdges(hGraph: CUgraph, from: *mut CUgraphNode, to: *mut CUgraphNode, numEdges: *mut usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::edges(hGraph, from, to, core::ptr::null_mut(), numEdges) }
    }

    unsafe fn cuGraphGetEdges_v2(
        hGraph: CUgraph,
        from: *mut CUgraphNode,
        to: *mut CUgraphNode,
        edgeData: *mut CUgraphEdgeData,
        numEdges: *mut usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::edges(hGraph, from, to, edgeData, numEdges) }
    }

    unsafe fn cuGraphAddDependencies(
        hGraph: CUgraph,
        from: *const CUgraphNode,
        to: *const CUgraphNode,
        numDependencies: usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::dependencies(ops::cuGraphAddDependencies_v2, hGraph, from, to, core::ptr::null(), numDependencies) }
    }

    unsafe fn cuGraphAddDependencies_v2(
        hGraph: CUgraph,
        from: *const CUgraphNode,
        to: *const CUgraphNode,
        edgeData: *const CUgraphEdgeData,
        numDependencies: usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::dependencies(ops::cuGraphAddDependencies_v2, hGraph, from, to, edgeData, numDependencies) }
    }

    unsafe fn cuGraphRemoveDependencies(
        hGraph: CUgraph,
        from: *const CUgraphNode,
        to: *const CUgraphNode,
        numDependencies: usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::dependencies(ops::cuGraphRemoveDependencies_v2, hGraph, from, to, core::ptr::null(), numDependencies) }
    }

    unsafe fn cuGraphRemoveDependencies_v2(
        hGraph: CUgraph,
        from: *const CUgraphNode,
        to: *const CUgraphNode,
        edgeData: *const CUgraphEdgeData,
        numDependencies: usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::dependencies(ops::cuGraphRemoveDependencies_v2, hGraph, from, to, edgeData, numDependencies) }
    }

    unsafe fn cuGraphNodeGetType(hNode: CUgraphNode, type_: *mut CUgraphNodeType) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::node_type(hNode, type_) }
    }

    unsafe fn cuGraphNodeGetDependencies(hNode: CUgraphNode, dependencies: *mut CUgraphNode, numDependencies: *mut usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::neighbours(ops::cuGraphNodeGetDependencies_v2, hNode, dependencies, core::ptr::null_mut(), numDependencies) }
    }

    unsafe fn cuGraphNodeGetDependencies_v2(
        hNode: CUgraphNode,
        dependencies: *mut CUgraphNode,
        edgeData: *mut CUgraphEdgeData,
        numDependencies: *mut usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::neighbours(ops::cuGraphNodeGetDependencies_v2, hNode, dependencies, edgeData, numDependencies) }
    }

    unsafe fn cuGraphNodeGetDependentNodes(
        hNode: CUgraphNode,
        dependentNodes: *mut CUgraphNode,
        numDependentNodes: *mut usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::neighbours(ops::cuGraphNodeGetDependentNodes_v2, hNode, dependentNodes, core::ptr::null_mut(), numDependentNodes) }
    }

    unsafe fn cuGraphNodeGetDependentNodes_v2(
        hNode: CUgraphNode,
        dependentNodes: *mut CUgraphNode,
        edgeData: *mut CUgraphEdgeData,
        numDependentNodes: *mut usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::neighbours(ops::cuGraphNodeGetDependentNodes_v2, hNode, dependentNodes, edgeData, numDependentNodes) }
    }

    unsafe fn cuGraphDestroyNode(hNode: CUgraphNode) -> CUresult {
        graph::destroy_node(hNode)
    }

    unsafe fn cuGraphMemsetNodeGetParams(hNode: CUgraphNode, nodeParams: *mut CUDA_MEMSET_NODE_PARAMS) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::memset_params(hNode, nodeParams) }
    }

    unsafe fn cuGraphMemcpyNodeGetParams(hNode: CUgraphNode, nodeParams: *mut CUDA_MEMCPY3D) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::memcpy_params(hNode, nodeParams) }
    }

    unsafe fn cuGraphMemsetNodeSetParams(hNode: CUgraphNode, nodeParams: *const CUDA_MEMSET_NODE_PARAMS) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::set_memset_params(hNode, nodeParams) }
    }

    unsafe fn cuGraphMemcpyNodeSetParams(hNode: CUgraphNode, nodeParams: *const CUDA_MEMCPY3D) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::set_memcpy_params(hNode, nodeParams) }
    }

    unsafe fn cuGraphKernelNodeSetParams(hNode: CUgraphNode, nodeParams: *const CUDA_KERNEL_NODE_PARAMS_v1) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::set_kernel_params_v1(hNode, nodeParams) }
    }

    unsafe fn cuGraphKernelNodeSetParams_v2(hNode: CUgraphNode, nodeParams: *const CUDA_KERNEL_NODE_PARAMS) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::set_kernel_params(hNode, nodeParams) }
    }

    unsafe fn cuGraphInstantiateWithFlags(phGraphExec: *mut CUgraphExec, hGraph: CUgraph, flags: c_ulonglong) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::instantiate(phGraphExec, hGraph, flags) }
    }

    unsafe fn cuGraphInstantiate(
        phGraphExec: *mut CUgraphExec,
        hGraph: CUgraph,
        phErrorNode: *mut CUgraphNode,
        logBuffer: *mut c_char,
        bufferSize: usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::instantiate_with_log(phGraphExec, hGraph, phErrorNode, logBuffer, bufferSize) }
    }

    unsafe fn cuGraphInstantiate_v2(
        phGraphExec: *mut CUgraphExec,
        hGraph: CUgraph,
        phErrorNode: *mut CUgraphNode,
        logBuffer: *mut c_char,
        bufferSize: usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::instantiate_with_log(phGraphExec, hGraph, phErrorNode, logBuffer, bufferSize) }
    }

    unsafe fn cuGraphInstantiateWithParams(
        phGraphExec: *mut CUgraphExec,
        hGraph: CUgraph,
        instantiateParams: *mut CUDA_GRAPH_INSTANTIATE_PARAMS,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::instantiate_with_params(phGraphExec, hGraph, instantiateParams, false) }
    }

    unsafe fn cuGraphInstantiateWithParams_ptsz(
        phGraphExec: *mut CUgraphExec,
        hGraph: CUgraph,
        instantiateParams: *mut CUDA_GRAPH_INSTANTIATE_PARAMS,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::instantiate_with_params(phGraphExec, hGraph, instantiateParams, true) }
    }

    unsafe fn cuGraphLaunch(hGraph: CUgraphExec, hStream: CUstream) -> CUresult {
        graph::launch(hGraph, hStream, false)
    }

    unsafe fn cuGraphLaunch_ptsz(hGraphExec: CUgraphExec, hStream: CUstream) -> CUresult {
        graph::launch(hGraphExec, hStream, true)
    }

    unsafe fn cuGraphUpload(hGraph: CUgraphExec, hStream: CUstream) -> CUresult {
        graph::upload(hGraph, hStream, false)
    }

    unsafe fn cuGraphUpload_ptsz(hGraphExec: CUgraphExec, hStream: CUstream) -> CUresult {
        graph::upload(hGraphExec, hStream, true)
    }

    unsafe fn cuGraphExecMemsetNodeSetParams(
        hGraphExec: CUgraphExec,
        hNode: CUgraphNode,
        memsetParams: *const CUDA_MEMSET_NODE_PARAMS,
        ctx: CUcontext,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::exec_set_memset(hGraphExec, hNode, memsetParams) }
    }

    unsafe fn cuGraphExecMemcpyNodeSetParams(
        hGraphExec: CUgraphExec,
        hNode: CUgraphNode,
        copyParams: *const CUDA_MEMCPY3D,
        ctx: CUcontext,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::exec_set_memcpy(hGraphExec, hNode, copyParams) }
    }

    unsafe fn cuGraphExecKernelNodeSetParams_v2(
        hGraphExec: CUgraphExec,
        hNode: CUgraphNode,
        nodeParams: *const CUDA_KERNEL_NODE_PARAMS,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::exec_set_kernel(hGraphExec, hNode, nodeParams) }
    }

    unsafe fn cuGraphExecKernelNodeSetParams(
        hGraphExec: CUgraphExec,
        hNode: CUgraphNode,
        nodeParams: *const CUDA_KERNEL_NODE_PARAMS_v1,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::exec_set_kernel_v1(hGraphExec, hNode, nodeParams) }
    }

    unsafe fn cuGraphExecUpdate(
        hGraphExec: CUgraphExec,
        hGraph: CUgraph,
        hErrorNode_out: *mut CUgraphNode,
        updateResult_out: *mut CUgraphExecUpdateResult,
    ) -> CUresult {
        if hErrorNode_out.is_null() || updateResult_out.is_null() {
            return CUresult::CUDA_ERROR_INVALID_VALUE;
        }
        let mut info = CUgraphExecUpdateResultInfo {
            result: CUgraphExecUpdateResult(0),
            errorNode: core::ptr::null_mut(),
            errorFromNode: core::ptr::null_mut(),
        };
        // SAFETY: the caller upholds this entry point's contract; `info` is local.
        let r = unsafe { graph::exec_update(hGraphExec, hGraph, &mut info) };
        // SAFETY: checked non-null.
        unsafe {
            hErrorNode_out.write(info.errorNode);
            updateResult_out.write(info.result);
        }
        r
    }

    unsafe fn cuGraphExecUpdate_v2(hGraphExec: CUgraphExec, hGraph: CUgraph, resultInfo: *mut CUgraphExecUpdateResultInfo) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::exec_update(hGraphExec, hGraph, resultInfo) }
    }

    unsafe fn cuGraphDestroy(hGraph: CUgraph) -> CUresult {
        graph::graph_destroy(hGraph)
    }

    unsafe fn cuGraphExecDestroy(hGraphExec: CUgraphExec) -> CUresult {
        graph::exec_destroy(hGraphExec)
    }

    unsafe fn cuInit(Flags: c_uint) -> CUresult {
        init::init(Flags)
    }

    unsafe fn cuIpcCloseMemHandle(dptr: CUdeviceptr) -> CUresult {
        ipc::close_mem_handle(dptr)
    }

    unsafe fn cuIpcGetEventHandle(pHandle: *mut CUipcEventHandle, event: CUevent) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { ipc::get_event_handle(pHandle, event) }
    }

    unsafe fn cuIpcGetMemHandle(pHandle: *mut CUipcMemHandle, dptr: CUdeviceptr) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { ipc::get_mem_handle(pHandle, dptr) }
    }

    unsafe fn cuIpcOpenEventHandle(phEvent: *mut CUevent, handle: CUipcEventHandle) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { ipc::open_event_handle(phEvent, handle) }
    }

    unsafe fn cuIpcOpenMemHandle(pdptr: *mut CUdeviceptr, handle: CUipcMemHandle, Flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { ipc::open_mem_handle(pdptr, handle, Flags) }
    }

    unsafe fn cuIpcOpenMemHandle_v2(pdptr: *mut CUdeviceptr, handle: CUipcMemHandle, Flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { ipc::open_mem_handle(pdptr, handle, Flags) }
    }

    unsafe fn cuKernelGetAttribute(pi: *mut c_int, attrib: CUfunction_attribute, kernel: CUkernel, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { library::get_attribute(pi, attrib, kernel, dev) }
    }

    unsafe fn cuKernelGetFunction(pFunc: *mut CUfunction, kernel: CUkernel) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { library::get_function(pFunc, kernel) }
    }

    unsafe fn cuKernelGetLibrary(pLib: *mut CUlibrary, kernel: CUkernel) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { library::get_library(pLib, kernel) }
    }

    unsafe fn cuKernelGetName(name: *mut *const c_char, hfunc: CUkernel) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { library::get_name(name, hfunc) }
    }

    unsafe fn cuKernelGetParamInfo(kernel: CUkernel, paramIndex: usize, paramOffset: *mut usize, paramSize: *mut usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { library::param_info(kernel, paramIndex, paramOffset, paramSize) }
    }

    unsafe fn cuKernelSetAttribute(attrib: CUfunction_attribute, val: c_int, kernel: CUkernel, dev: CUdevice) -> CUresult {
        library::set_attribute(attrib, val, kernel, dev)
    }

    unsafe fn cuLaunchCooperativeKernel(
        f: CUfunction,
        gridDimX: c_uint,
        gridDimY: c_uint,
        gridDimZ: c_uint,
        blockDimX: c_uint,
        blockDimY: c_uint,
        blockDimZ: c_uint,
        sharedMemBytes: c_uint,
        hStream: CUstream,
        kernelParams: *mut *mut c_void,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            launch::launch(
                f,
                [gridDimX, gridDimY, gridDimZ],
                [blockDimX, blockDimY, blockDimZ],
                sharedMemBytes,
                hStream,
                kernelParams,
                core::ptr::null_mut(),
                true,
                false,
                &[],
            )
        }
    }

    unsafe fn cuLaunchCooperativeKernel_ptsz(
        f: CUfunction,
        gridDimX: c_uint,
        gridDimY: c_uint,
        gridDimZ: c_uint,
        blockDimX: c_uint,
        blockDimY: c_uint,
        blockDimZ: c_uint,
        sharedMemBytes: c_uint,
        hStream: CUstream,
        kernelParams: *mut *mut c_void,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            launch::launch(
                f,
                [gridDimX, gridDimY, gridDimZ],
                [blockDimX, blockDimY, blockDimZ],
                sharedMemBytes,
                hStream,
                kernelParams,
                core::ptr::null_mut(),
                true,
                true,
                &[],
            )
        }
    }

    unsafe fn cuLaunchHostFunc(hStream: CUstream, fn_: CUhostFn, userData: *mut c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::launch_host_func(hStream, fn_, userData, false) }
    }

    unsafe fn cuLaunchHostFunc_ptsz(hStream: CUstream, fn_: CUhostFn, userData: *mut c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::launch_host_func(hStream, fn_, userData, true) }
    }

    unsafe fn cuLaunchKernel(
        f: CUfunction,
        gridDimX: c_uint,
        gridDimY: c_uint,
        gridDimZ: c_uint,
        blockDimX: c_uint,
        blockDimY: c_uint,
        blockDimZ: c_uint,
        sharedMemBytes: c_uint,
        hStream: CUstream,
        kernelParams: *mut *mut c_void,
        extra: *mut *mut c_void,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            launch::launch(
                f,
                [gridDimX, gridDimY, gridDimZ],
                [blockDimX, blockDimY, blockDimZ],
                sharedMemBytes,
                hStream,
                kernelParams,
                extra,
                false,
                false,
                &[],
            )
        }
    }

    unsafe fn cuLaunchKernelEx(
        config: *const CUlaunchConfig,
        f: CUfunction,
        kernelParams: *mut *mut c_void,
        extra: *mut *mut c_void,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { launch::launch_ex(config, f, kernelParams, extra, false) }
    }

    unsafe fn cuLaunchKernelEx_ptsz(
        config: *const CUlaunchConfig,
        f: CUfunction,
        kernelParams: *mut *mut c_void,
        extra: *mut *mut c_void,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { launch::launch_ex(config, f, kernelParams, extra, true) }
    }

    unsafe fn cuLaunchKernel_ptsz(
        f: CUfunction,
        gridDimX: c_uint,
        gridDimY: c_uint,
        gridDimZ: c_uint,
        blockDimX: c_uint,
        blockDimY: c_uint,
        blockDimZ: c_uint,
        sharedMemBytes: c_uint,
        hStream: CUstream,
        kernelParams: *mut *mut c_void,
        extra: *mut *mut c_void,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            launch::launch(
                f,
                [gridDimX, gridDimY, gridDimZ],
                [blockDimX, blockDimY, blockDimZ],
                sharedMemBytes,
                hStream,
                kernelParams,
                extra,
                false,
                true,
                &[],
            )
        }
    }

    unsafe fn cuLibraryEnumerateKernels(kernels: *mut CUkernel, numKernels: c_uint, lib: CUlibrary) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { library::enumerate_kernels(kernels, numKernels, lib) }
    }

    unsafe fn cuLibraryGetGlobal(dptr: *mut CUdeviceptr, bytes: *mut usize, library: CUlibrary, name: *const c_char) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { library::get_global(dptr, bytes, library, name) }
    }

    unsafe fn cuLibraryGetKernel(pKernel: *mut CUkernel, library: CUlibrary, name: *const c_char) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { library::get_kernel(pKernel, library, name) }
    }

    unsafe fn cuLibraryGetKernelCount(count: *mut c_uint, lib: CUlibrary) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { library::kernel_count(count, lib) }
    }

    unsafe fn cuLibraryGetModule(pMod: *mut CUmodule, library: CUlibrary) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { library::get_module(pMod, library) }
    }

    unsafe fn cuLibraryLoadData(
        library: *mut CUlibrary,
        code: *const c_void,
        jitOptions: *mut CUjit_option,
        jitOptionsValues: *mut *mut c_void,
        numJitOptions: c_uint,
        libraryOptions: *mut CUlibraryOption,
        libraryOptionValues: *mut *mut c_void,
        numLibraryOptions: c_uint,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { library::load_data(library, code) }
    }

    unsafe fn cuLibraryLoadFromFile(
        library: *mut CUlibrary,
        fileName: *const c_char,
        jitOptions: *mut CUjit_option,
        jitOptionsValues: *mut *mut c_void,
        numJitOptions: c_uint,
        libraryOptions: *mut CUlibraryOption,
        libraryOptionValues: *mut *mut c_void,
        numLibraryOptions: c_uint,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { library::load_file(library, fileName) }
    }

    unsafe fn cuLibraryUnload(library: CUlibrary) -> CUresult {
        library::unload(library)
    }

    unsafe fn cuMemAddressFree(ptr: CUdeviceptr, size: usize) -> CUresult {
        vmm::address_free(ptr, size)
    }

    unsafe fn cuMemAddressReserve(ptr: *mut CUdeviceptr, size: usize, alignment: usize, addr: CUdeviceptr, flags: c_ulonglong) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { vmm::reserve(ptr, size, alignment, addr, flags) }
    }

    unsafe fn cuMemAllocAsync(dptr: *mut CUdeviceptr, bytesize: usize, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::alloc_async(ops::cuMemAllocAsync, dptr, bytesize, stream_id(hStream, false)) }
    }

    unsafe fn cuMemAllocAsync_ptsz(dptr: *mut CUdeviceptr, bytesize: usize, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::alloc_async(ops::cuMemAllocAsync_ptsz, dptr, bytesize, stream_id(hStream, true)) }
    }

    unsafe fn cuMemAllocHost_v2(pp: *mut *mut c_void, bytesize: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::host_alloc(pp, bytesize, 0) }
    }

    unsafe fn cuMemAllocPitch_v2(
        dptr: *mut CUdeviceptr,
        pPitch: *mut usize,
        WidthInBytes: usize,
        Height: usize,
        ElementSizeBytes: c_uint,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::alloc_pitch(dptr, pPitch, WidthInBytes, Height, ElementSizeBytes) }
    }

    unsafe fn cuMemAlloc_v2(dptr: *mut CUdeviceptr, bytesize: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::alloc(dptr, bytesize) }
    }

    unsafe fn cuMemCreate(
        handle: *mut CUmemGenericAllocationHandle,
        size: usize,
        prop: *const CUmemAllocationProp,
        flags: c_ulonglong,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { vmm::create(handle, size, prop, flags) }
    }

    unsafe fn cuMemFreeAsync(dptr: CUdeviceptr, hStream: CUstream) -> CUresult {
        memory::free_async(ops::cuMemFreeAsync, dptr, stream_id(hStream, false))
    }

    unsafe fn cuMemFreeAsync_ptsz(dptr: CUdeviceptr, hStream: CUstream) -> CUresult {
        memory::free_async(ops::cuMemFreeAsync_ptsz, dptr, stream_id(hStream, true))
    }

    unsafe fn cuMemFreeHost(p: *mut c_void) -> CUresult {
        memory::host_free(p)
    }

    unsafe fn cuMemAllocManaged(dptr: *mut CUdeviceptr, bytesize: usize, flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { crate::managed::alloc(dptr, bytesize, flags) }
    }

    unsafe fn cuMemFree_v2(dptr: CUdeviceptr) -> CUresult {
        memory::free(dptr)
    }

    unsafe fn cuMemGetAccess(flags: *mut c_ulonglong, location: *const CUmemLocation, ptr: CUdeviceptr) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { vmm::get_access(flags, location, ptr) }
    }

    unsafe fn cuMemGetAddressRange_v2(pbase: *mut CUdeviceptr, psize: *mut usize, dptr: CUdeviceptr) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::address_range(pbase, psize, dptr) }
    }

    unsafe fn cuMemGetAllocationGranularity(
        granularity: *mut usize,
        prop: *const CUmemAllocationProp,
        option: CUmemAllocationGranularity_flags,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { vmm::granularity(granularity, prop, option.0) }
    }

    unsafe fn cuMemGetAllocationPropertiesFromHandle(prop: *mut CUmemAllocationProp, handle: CUmemGenericAllocationHandle) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { vmm::properties(prop, handle) }
    }

    unsafe fn cuMemGetInfo_v2(free: *mut usize, total: *mut usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::get_info(free, total) }
    }

    unsafe fn cuMemHostAlloc(pp: *mut *mut c_void, bytesize: usize, Flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::host_alloc(pp, bytesize, Flags) }
    }

    unsafe fn cuMemHostGetDevicePointer_v2(pdptr: *mut CUdeviceptr, p: *mut c_void, Flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::host_get_device_pointer(pdptr, p, Flags) }
    }

    unsafe fn cuMemHostGetFlags(pFlags: *mut c_uint, p: *mut c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::host_get_flags(pFlags, p) }
    }

    unsafe fn cuMemHostRegister(p: *mut c_void, bytesize: usize, Flags: c_uint) -> CUresult {
        memory::host_register(p, bytesize, Flags)
    }

    unsafe fn cuMemHostRegister_v2(p: *mut c_void, bytesize: usize, Flags: c_uint) -> CUresult {
        memory::host_register(p, bytesize, Flags)
    }

    unsafe fn cuMemHostUnregister(p: *mut c_void) -> CUresult {
        memory::host_unregister(p)
    }

    unsafe fn cuMemMap(ptr: CUdeviceptr, size: usize, offset: usize, handle: CUmemGenericAllocationHandle, flags: c_ulonglong) -> CUresult {
        vmm::map(ptr, size, offset, handle, flags)
    }

    unsafe fn cuMemPoolGetAttribute(pool: CUmemoryPool, attr: CUmemPool_attribute, value: *mut c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::pool_attribute(false, pool, attr, value) }
    }

    unsafe fn cuMemPoolSetAttribute(pool: CUmemoryPool, attr: CUmemPool_attribute, value: *mut c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::pool_attribute(true, pool, attr, value) }
    }

    unsafe fn cuMemPoolTrimTo(pool: CUmemoryPool, minBytesToKeep: usize) -> CUresult {
        memory::pool_trim(pool, minBytesToKeep)
    }

    unsafe fn cuMemRelease(handle: CUmemGenericAllocationHandle) -> CUresult {
        vmm::release(handle)
    }

    unsafe fn cuMemRetainAllocationHandle(handle: *mut CUmemGenericAllocationHandle, addr: *mut c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { vmm::retain(handle, addr) }
    }

    unsafe fn cuMemSetAccess(ptr: CUdeviceptr, size: usize, desc: *const CUmemAccessDesc, count: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { vmm::set_access(ptr, size, desc, count) }
    }

    unsafe fn cuMemUnmap(ptr: CUdeviceptr, size: usize) -> CUresult {
        vmm::unmap(ptr, size)
    }

    unsafe fn cuMemcpy(dst: CUdeviceptr, src: CUdeviceptr, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::unified(dst, src, ByteCount, None, false) }
    }

    unsafe fn cuMemcpy2DAsync_v2(pCopy: *const CUDA_MEMCPY2D, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_2d(ops::cuMemcpy2DAsync_v2, pCopy, Some(stream_id(hStream, false))) }
    }

    unsafe fn cuMemcpy2DAsync_v2_ptsz(pCopy: *const CUDA_MEMCPY2D, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_2d(ops::cuMemcpy2DAsync_v2_ptsz, pCopy, Some(stream_id(hStream, true))) }
    }

    unsafe fn cuMemcpy2DUnaligned_v2(pCopy: *const CUDA_MEMCPY2D) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_2d(ops::cuMemcpy2DUnaligned_v2, pCopy, None) }
    }

    unsafe fn cuMemcpy2DUnaligned_v2_ptds(pCopy: *const CUDA_MEMCPY2D) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_2d(ops::cuMemcpy2DUnaligned_v2_ptds, pCopy, None) }
    }

    unsafe fn cuMemcpy3D_v2(pCopy: *const CUDA_MEMCPY3D) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_3d(ops::cuMemcpy2D_v2, pCopy, None) }
    }

    unsafe fn cuMemcpy3D_v2_ptds(pCopy: *const CUDA_MEMCPY3D) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_3d(ops::cuMemcpy2D_v2_ptds, pCopy, None) }
    }

    unsafe fn cuMemcpy3DAsync_v2(pCopy: *const CUDA_MEMCPY3D, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_3d(ops::cuMemcpy2DAsync_v2, pCopy, Some(stream_id(hStream, false))) }
    }

    unsafe fn cuMemcpy3DAsync_v2_ptsz(pCopy: *const CUDA_MEMCPY3D, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_3d(ops::cuMemcpy2DAsync_v2_ptsz, pCopy, Some(stream_id(hStream, true))) }
    }

    unsafe fn cuMemcpy2D_v2(pCopy: *const CUDA_MEMCPY2D) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_2d(ops::cuMemcpy2D_v2, pCopy, None) }
    }

    unsafe fn cuMemcpy2D_v2_ptds(pCopy: *const CUDA_MEMCPY2D) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_2d(ops::cuMemcpy2D_v2_ptds, pCopy, None) }
    }

    unsafe fn cuMemcpyAsync(dst: CUdeviceptr, src: CUdeviceptr, ByteCount: usize, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::unified(dst, src, ByteCount, Some(stream_id(hStream, false)), false) }
    }

    unsafe fn cuMemcpyAsync_ptsz(dst: CUdeviceptr, src: CUdeviceptr, ByteCount: usize, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::unified(dst, src, ByteCount, Some(stream_id(hStream, true)), true) }
    }

    unsafe fn cuMemcpyDtoDAsync_v2(dstDevice: CUdeviceptr, srcDevice: CUdeviceptr, ByteCount: usize, hStream: CUstream) -> CUresult {
        memory::dtod(ops::cuMemcpyDtoDAsync_v2, dstDevice, srcDevice, ByteCount, Some(stream_id(hStream, false)))
    }

    unsafe fn cuMemcpyDtoDAsync_v2_ptsz(dstDevice: CUdeviceptr, srcDevice: CUdeviceptr, ByteCount: usize, hStream: CUstream) -> CUresult {
        memory::dtod(ops::cuMemcpyDtoDAsync_v2_ptsz, dstDevice, srcDevice, ByteCount, Some(stream_id(hStream, true)))
    }

    unsafe fn cuMemcpyDtoD_v2(dstDevice: CUdeviceptr, srcDevice: CUdeviceptr, ByteCount: usize) -> CUresult {
        memory::dtod(ops::cuMemcpyDtoD_v2, dstDevice, srcDevice, ByteCount, None)
    }

    unsafe fn cuMemcpyDtoD_v2_ptds(dstDevice: CUdeviceptr, srcDevice: CUdeviceptr, ByteCount: usize) -> CUresult {
        memory::dtod(ops::cuMemcpyDtoD_v2_ptds, dstDevice, srcDevice, ByteCount, None)
    }

    unsafe fn cuMemcpyDtoHAsync_v2(dstHost: *mut c_void, srcDevice: CUdeviceptr, ByteCount: usize, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::dtoh(ops::cuMemcpyDtoHAsync_v2, dstHost, srcDevice, ByteCount, Some(stream_id(hStream, false))) }
    }

    unsafe fn cuMemcpyDtoHAsync_v2_ptsz(dstHost: *mut c_void, srcDevice: CUdeviceptr, ByteCount: usize, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::dtoh(ops::cuMemcpyDtoHAsync_v2_ptsz, dstHost, srcDevice, ByteCount, Some(stream_id(hStream, true))) }
    }

    unsafe fn cuMemcpyDtoH_v2(dstHost: *mut c_void, srcDevice: CUdeviceptr, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::dtoh(ops::cuMemcpyDtoH_v2, dstHost, srcDevice, ByteCount, None) }
    }

    unsafe fn cuMemcpyDtoH_v2_ptds(dstHost: *mut c_void, srcDevice: CUdeviceptr, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::dtoh(ops::cuMemcpyDtoH_v2_ptds, dstHost, srcDevice, ByteCount, None) }
    }

    unsafe fn cuMemcpyHtoDAsync_v2(dstDevice: CUdeviceptr, srcHost: *const c_void, ByteCount: usize, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::htod(ops::cuMemcpyHtoDAsync_v2, dstDevice, srcHost, ByteCount, Some(stream_id(hStream, false))) }
    }

    unsafe fn cuMemcpyHtoDAsync_v2_ptsz(dstDevice: CUdeviceptr, srcHost: *const c_void, ByteCount: usize, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::htod(ops::cuMemcpyHtoDAsync_v2_ptsz, dstDevice, srcHost, ByteCount, Some(stream_id(hStream, true))) }
    }

    unsafe fn cuMemcpyHtoD_v2(dstDevice: CUdeviceptr, srcHost: *const c_void, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::htod(ops::cuMemcpyHtoD_v2, dstDevice, srcHost, ByteCount, None) }
    }

    unsafe fn cuMemcpyHtoD_v2_ptds(dstDevice: CUdeviceptr, srcHost: *const c_void, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::htod(ops::cuMemcpyHtoD_v2_ptds, dstDevice, srcHost, ByteCount, None) }
    }

    unsafe fn cuMemcpyPeer(
        dstDevice: CUdeviceptr,
        dstContext: CUcontext,
        srcDevice: CUdeviceptr,
        srcContext: CUcontext,
        ByteCount: usize,
    ) -> CUresult {
        memory::peer(ops::cuMemcpyDtoD_v2, dstDevice, dstContext, srcDevice, srcContext, ByteCount, None)
    }

    unsafe fn cuMemcpyPeerAsync(
        dstDevice: CUdeviceptr,
        dstContext: CUcontext,
        srcDevice: CUdeviceptr,
        srcContext: CUcontext,
        ByteCount: usize,
        hStream: CUstream,
    ) -> CUresult {
        memory::peer(ops::cuMemcpyDtoDAsync_v2, dstDevice, dstContext, srcDevice, srcContext, ByteCount, Some(stream_id(hStream, false)))
    }

    unsafe fn cuMemcpyPeerAsync_ptsz(
        dstDevice: CUdeviceptr,
        dstContext: CUcontext,
        srcDevice: CUdeviceptr,
        srcContext: CUcontext,
        ByteCount: usize,
        hStream: CUstream,
    ) -> CUresult {
        memory::peer(
            ops::cuMemcpyDtoDAsync_v2_ptsz,
            dstDevice,
            dstContext,
            srcDevice,
            srcContext,
            ByteCount,
            Some(stream_id(hStream, true)),
        )
    }

    unsafe fn cuMemcpyPeer_ptds(
        dstDevice: CUdeviceptr,
        dstContext: CUcontext,
        srcDevice: CUdeviceptr,
        srcContext: CUcontext,
        ByteCount: usize,
    ) -> CUresult {
        memory::peer(ops::cuMemcpyDtoD_v2_ptds, dstDevice, dstContext, srcDevice, srcContext, ByteCount, None)
    }

    unsafe fn cuMemcpy_ptds(dst: CUdeviceptr, src: CUdeviceptr, ByteCount: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::unified(dst, src, ByteCount, None, true) }
    }

    unsafe fn cuMemsetD16Async(dstDevice: CUdeviceptr, us: c_ushort, N: usize, hStream: CUstream) -> CUresult {
        memory::memset(ops::cuMemsetD16Async, dstDevice, 0, u32::from(us), 2, N, 1, Some(hStream), false)
    }

    unsafe fn cuMemsetD16Async_ptsz(dstDevice: CUdeviceptr, us: c_ushort, N: usize, hStream: CUstream) -> CUresult {
        memory::memset(ops::cuMemsetD16Async_ptsz, dstDevice, 0, u32::from(us), 2, N, 1, Some(hStream), true)
    }

    unsafe fn cuMemsetD16_v2(dstDevice: CUdeviceptr, us: c_ushort, N: usize) -> CUresult {
        memory::memset(ops::cuMemsetD16_v2, dstDevice, 0, u32::from(us), 2, N, 1, None, false)
    }

    unsafe fn cuMemsetD16_v2_ptds(dstDevice: CUdeviceptr, us: c_ushort, N: usize) -> CUresult {
        memory::memset(ops::cuMemsetD16_v2_ptds, dstDevice, 0, u32::from(us), 2, N, 1, None, true)
    }

    unsafe fn cuMemsetD2D16Async(
        dstDevice: CUdeviceptr,
        dstPitch: usize,
        us: c_ushort,
        Width: usize,
        Height: usize,
        hStream: CUstream,
    ) -> CUresult {
        memory::memset(ops::cuMemsetD2D16Async, dstDevice, dstPitch, u32::from(us), 2, Width, Height, Some(hStream), false)
    }

    unsafe fn cuMemsetD2D16Async_ptsz(
        dstDevice: CUdeviceptr,
        dstPitch: usize,
        us: c_ushort,
        Width: usize,
        Height: usize,
        hStream: CUstream,
    ) -> CUresult {
        memory::memset(ops::cuMemsetD2D16Async_ptsz, dstDevice, dstPitch, u32::from(us), 2, Width, Height, Some(hStream), true)
    }

    unsafe fn cuMemsetD2D16_v2(dstDevice: CUdeviceptr, dstPitch: usize, us: c_ushort, Width: usize, Height: usize) -> CUresult {
        memory::memset(ops::cuMemsetD2D16_v2, dstDevice, dstPitch, u32::from(us), 2, Width, Height, None, false)
    }

    unsafe fn cuMemsetD2D16_v2_ptds(dstDevice: CUdeviceptr, dstPitch: usize, us: c_ushort, Width: usize, Height: usize) -> CUresult {
        memory::memset(ops::cuMemsetD2D16_v2_ptds, dstDevice, dstPitch, u32::from(us), 2, Width, Height, None, true)
    }

    unsafe fn cuMemsetD2D32Async(
        dstDevice: CUdeviceptr,
        dstPitch: usize,
        ui: c_uint,
        Width: usize,
        Height: usize,
        hStream: CUstream,
    ) -> CUresult {
        memory::memset(ops::cuMemsetD2D32Async, dstDevice, dstPitch, ui, 4, Width, Height, Some(hStream), false)
    }

    unsafe fn cuMemsetD2D32Async_ptsz(
        dstDevice: CUdeviceptr,
        dstPitch: usize,
        ui: c_uint,
        Width: usize,
        Height: usize,
        hStream: CUstream,
    ) -> CUresult {
        memory::memset(ops::cuMemsetD2D32Async_ptsz, dstDevice, dstPitch, ui, 4, Width, Height, Some(hStream), true)
    }

    unsafe fn cuMemsetD2D32_v2(dstDevice: CUdeviceptr, dstPitch: usize, ui: c_uint, Width: usize, Height: usize) -> CUresult {
        memory::memset(ops::cuMemsetD2D32_v2, dstDevice, dstPitch, ui, 4, Width, Height, None, false)
    }

    unsafe fn cuMemsetD2D32_v2_ptds(dstDevice: CUdeviceptr, dstPitch: usize, ui: c_uint, Width: usize, Height: usize) -> CUresult {
        memory::memset(ops::cuMemsetD2D32_v2_ptds, dstDevice, dstPitch, ui, 4, Width, Height, None, true)
    }

    unsafe fn cuMemsetD2D8Async(
        dstDevice: CUdeviceptr,
        dstPitch: usize,
        uc: c_uchar,
        Width: usize,
        Height: usize,
        hStream: CUstream,
    ) -> CUresult {
        memory::memset(ops::cuMemsetD2D8Async, dstDevice, dstPitch, u32::from(uc), 1, Width, Height, Some(hStream), false)
    }

    unsafe fn cuMemsetD2D8Async_ptsz(
        dstDevice: CUdeviceptr,
        dstPitch: usize,
        uc: c_uchar,
        Width: usize,
        Height: usize,
        hStream: CUstream,
    ) -> CUresult {
        memory::memset(ops::cuMemsetD2D8Async_ptsz, dstDevice, dstPitch, u32::from(uc), 1, Width, Height, Some(hStream), true)
    }

    unsafe fn cuMemsetD2D8_v2(dstDevice: CUdeviceptr, dstPitch: usize, uc: c_uchar, Width: usize, Height: usize) -> CUresult {
        memory::memset(ops::cuMemsetD2D8_v2, dstDevice, dstPitch, u32::from(uc), 1, Width, Height, None, false)
    }

    unsafe fn cuMemsetD2D8_v2_ptds(dstDevice: CUdeviceptr, dstPitch: usize, uc: c_uchar, Width: usize, Height: usize) -> CUresult {
        memory::memset(ops::cuMemsetD2D8_v2_ptds, dstDevice, dstPitch, u32::from(uc), 1, Width, Height, None, true)
    }

    unsafe fn cuMemsetD32Async(dstDevice: CUdeviceptr, ui: c_uint, N: usize, hStream: CUstream) -> CUresult {
        memory::memset(ops::cuMemsetD32Async, dstDevice, 0, ui, 4, N, 1, Some(hStream), false)
    }

    unsafe fn cuMemsetD32Async_ptsz(dstDevice: CUdeviceptr, ui: c_uint, N: usize, hStream: CUstream) -> CUresult {
        memory::memset(ops::cuMemsetD32Async_ptsz, dstDevice, 0, ui, 4, N, 1, Some(hStream), true)
    }

    unsafe fn cuMemsetD32_v2(dstDevice: CUdeviceptr, ui: c_uint, N: usize) -> CUresult {
        memory::memset(ops::cuMemsetD32_v2, dstDevice, 0, ui, 4, N, 1, None, false)
    }

    unsafe fn cuMemsetD32_v2_ptds(dstDevice: CUdeviceptr, ui: c_uint, N: usize) -> CUresult {
        memory::memset(ops::cuMemsetD32_v2_ptds, dstDevice, 0, ui, 4, N, 1, None, true)
    }

    unsafe fn cuMemsetD8Async(dstDevice: CUdeviceptr, uc: c_uchar, N: usize, hStream: CUstream) -> CUresult {
        memory::memset(ops::cuMemsetD8Async, dstDevice, 0, u32::from(uc), 1, N, 1, Some(hStream), false)
    }

    unsafe fn cuMemsetD8Async_ptsz(dstDevice: CUdeviceptr, uc: c_uchar, N: usize, hStream: CUstream) -> CUresult {
        memory::memset(ops::cuMemsetD8Async_ptsz, dstDevice, 0, u32::from(uc), 1, N, 1, Some(hStream), true)
    }

    unsafe fn cuMemsetD8_v2(dstDevice: CUdeviceptr, uc: c_uchar, N: usize) -> CUresult {
        memory::memset(ops::cuMemsetD8_v2, dstDevice, 0, u32::from(uc), 1, N, 1, None, false)
    }

    unsafe fn cuMemsetD8_v2_ptds(dstDevice: CUdeviceptr, uc: c_uchar, N: usize) -> CUresult {
        memory::memset(ops::cuMemsetD8_v2_ptds, dstDevice, 0, u32::from(uc), 1, N, 1, None, true)
    }

    unsafe fn cuModuleEnumerateFunctions(functions: *mut CUfunction, numFunctions: c_uint, mod_: CUmodule) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { module::enumerate_functions(functions, numFunctions, mod_) }
    }

    unsafe fn cuModuleGetFunction(hfunc: *mut CUfunction, hmod: CUmodule, name: *const c_char) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { module::get_function(hfunc, hmod, name) }
    }

    unsafe fn cuTensorMapEncodeIm2col(
        tensorMap: *mut CUtensorMap,
        tensorDataType: CUtensorMapDataType,
        tensorRank: cuuint32_t,
        globalAddress: *mut c_void,
        globalDim: *const cuuint64_t,
        globalStrides: *const cuuint64_t,
        pixelBoxLowerCorner: *const c_int,
        pixelBoxUpperCorner: *const c_int,
        channelsPerPixel: cuuint32_t,
        pixelsPerColumn: cuuint32_t,
        elementStrides: *const cuuint32_t,
        interleave: CUtensorMapInterleave,
        swizzle: CUtensorMapSwizzle,
        l2Promotion: CUtensorMapL2promotion,
        oobFill: CUtensorMapFloatOOBfill,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            tensor::encode_im2col(
                tensorMap,
                tensorDataType.0,
                tensorRank,
                globalAddress,
                globalDim,
                globalStrides,
                pixelBoxLowerCorner,
                pixelBoxUpperCorner,
                channelsPerPixel,
                pixelsPerColumn,
                elementStrides,
                [interleave.0, swizzle.0, l2Promotion.0, oobFill.0],
            )
        }
    }

    unsafe fn cuTensorMapEncodeTiled(
        tensorMap: *mut CUtensorMap,
        tensorDataType: CUtensorMapDataType,
        tensorRank: cuuint32_t,
        globalAddress: *mut c_void,
        globalDim: *const cuuint64_t,
        globalStrides: *const cuuint64_t,
        boxDim: *const cuuint32_t,
        elementStrides: *const cuuint32_t,
        interleave: CUtensorMapInterleave,
        swizzle: CUtensorMapSwizzle,
        l2Promotion: CUtensorMapL2promotion,
        oobFill: CUtensorMapFloatOOBfill,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            tensor::encode_tiled(
                tensorMap,
                tensorDataType.0,
                tensorRank,
                globalAddress,
                globalDim,
                globalStrides,
                boxDim,
                elementStrides,
                [interleave.0, swizzle.0, l2Promotion.0, oobFill.0],
            )
        }
    }

    unsafe fn cuTensorMapReplaceAddress(tensorMap: *mut CUtensorMap, globalAddress: *mut c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { tensor::replace_address(tensorMap, globalAddress) }
    }

    unsafe fn cuOccupancyMaxActiveClusters(numClusters: *mut c_int, func: CUfunction, config: *const CUlaunchConfig) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { launch::cluster_occupancy(numClusters, func, config, false) }
    }

    unsafe fn cuOccupancyMaxPotentialClusterSize(clusterSize: *mut c_int, func: CUfunction, config: *const CUlaunchConfig) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { launch::cluster_occupancy(clusterSize, func, config, true) }
    }

    unsafe fn cuStreamGetCaptureInfo(
        hStream: CUstream,
        captureStatus_out: *mut CUstreamCaptureStatus,
        id_out: *mut cuuint64_t,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            stream::capture_info(
                hStream,
                false,
                captureStatus_out,
                id_out,
                core::ptr::null_mut(),
                core::ptr::null_mut(),
                core::ptr::null_mut(),
                core::ptr::null_mut(),
            )
        }
    }

    unsafe fn cuStreamGetCaptureInfo_v2(
        hStream: CUstream,
        captureStatus_out: *mut CUstreamCaptureStatus,
        id_out: *mut cuuint64_t,
        graph_out: *mut CUgraph,
        dependencies_out: *mut *const CUgraphNode,
        numDependencies_out: *mut usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            stream::capture_info(
                hStream,
                false,
                captureStatus_out,
                id_out,
                graph_out,
                dependencies_out,
                core::ptr::null_mut(),
                numDependencies_out,
            )
        }
    }

    unsafe fn cuStreamGetCaptureInfo_v3(
        hStream: CUstream,
        captureStatus_out: *mut CUstreamCaptureStatus,
        id_out: *mut cuuint64_t,
        graph_out: *mut CUgraph,
        dependencies_out: *mut *const CUgraphNode,
        edgeData_out: *mut *const CUgraphEdgeData,
        numDependencies_out: *mut usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            stream::capture_info(hStream, false, captureStatus_out, id_out, graph_out, dependencies_out, edgeData_out, numDependencies_out)
        }
    }

    unsafe fn cuStreamGetCaptureInfo_ptsz(
        hStream: CUstream,
        captureStatus_out: *mut CUstreamCaptureStatus,
        id_out: *mut cuuint64_t,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            stream::capture_info(
                hStream,
                true,
                captureStatus_out,
                id_out,
                core::ptr::null_mut(),
                core::ptr::null_mut(),
                core::ptr::null_mut(),
                core::ptr::null_mut(),
            )
        }
    }

    unsafe fn cuStreamGetCaptureInfo_v2_ptsz(
        hStream: CUstream,
        captureStatus_out: *mut CUstreamCaptureStatus,
        id_out: *mut cuuint64_t,
        graph_out: *mut CUgraph,
        dependencies_out: *mut *const CUgraphNode,
        numDependencies_out: *mut usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            stream::capture_info(
                hStream,
                true,
                captureStatus_out,
                id_out,
                graph_out,
                dependencies_out,
                core::ptr::null_mut(),
                numDependencies_out,
            )
        }
    }

    unsafe fn cuStreamGetCaptureInfo_v3_ptsz(
        hStream: CUstream,
        captureStatus_out: *mut CUstreamCaptureStatus,
        id_out: *mut cuuint64_t,
        graph_out: *mut CUgraph,
        dependencies_out: *mut *const CUgraphNode,
        edgeData_out: *mut *const CUgraphEdgeData,
        numDependencies_out: *mut usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            stream::capture_info(hStream, true, captureStatus_out, id_out, graph_out, dependencies_out, edgeData_out, numDependencies_out)
        }
    }

    unsafe fn cuModuleGetLoadingMode(mode: *mut CUmoduleLoadingMode) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { module::loading_mode(mode) }
    }

    unsafe fn cuModuleGetFunctionCount(count: *mut c_uint, mod_: CUmodule) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { module::function_count(count, mod_) }
    }

    unsafe fn cuModuleGetGlobal_v2(dptr: *mut CUdeviceptr, bytes: *mut usize, hmod: CUmodule, name: *const c_char) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { module::get_global(dptr, bytes, hmod, name) }
    }

    unsafe fn cuModuleLoad(module: *mut CUmodule, fname: *const c_char) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { module::load_file(module, fname) }
    }

    unsafe fn cuModuleLoadData(module: *mut CUmodule, image: *const c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { module::load_data(module, image) }
    }

    unsafe fn cuModuleLoadDataEx(
        module: *mut CUmodule,
        image: *const c_void,
        numOptions: c_uint,
        options: *mut CUjit_option,
        optionValues: *mut *mut c_void,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { module::load_data(module, image) }
    }

    unsafe fn cuModuleLoadFatBinary(module: *mut CUmodule, fatCubin: *const c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { module::load_data(module, fatCubin) }
    }

    unsafe fn cuModuleUnload(hmod: CUmodule) -> CUresult {
        module::unload(hmod)
    }

    unsafe fn cuOccupancyAvailableDynamicSMemPerBlock(
        dynamicSmemSize: *mut usize,
        func: CUfunction,
        numBlocks: c_int,
        blockSize: c_int,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { launch::available_dynamic_smem(dynamicSmemSize, func, numBlocks, blockSize) }
    }

    unsafe fn cuOccupancyMaxActiveBlocksPerMultiprocessor(
        numBlocks: *mut c_int,
        func: CUfunction,
        blockSize: c_int,
        dynamicSMemSize: usize,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { launch::occupancy(numBlocks, func, blockSize, dynamicSMemSize, 0) }
    }

    unsafe fn cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(
        numBlocks: *mut c_int,
        func: CUfunction,
        blockSize: c_int,
        dynamicSMemSize: usize,
        flags: c_uint,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { launch::occupancy(numBlocks, func, blockSize, dynamicSMemSize, flags) }
    }

    unsafe fn cuOccupancyMaxPotentialBlockSize(
        minGridSize: *mut c_int,
        blockSize: *mut c_int,
        func: CUfunction,
        blockSizeToDynamicSMemSize: CUoccupancyB2DSize,
        dynamicSMemSize: usize,
        blockSizeLimit: c_int,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            launch::potential_block_size(minGridSize, blockSize, func, blockSizeToDynamicSMemSize, dynamicSMemSize, blockSizeLimit, 0)
        }
    }

    unsafe fn cuOccupancyMaxPotentialBlockSizeWithFlags(
        minGridSize: *mut c_int,
        blockSize: *mut c_int,
        func: CUfunction,
        blockSizeToDynamicSMemSize: CUoccupancyB2DSize,
        dynamicSMemSize: usize,
        blockSizeLimit: c_int,
        flags: c_uint,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe {
            launch::potential_block_size(minGridSize, blockSize, func, blockSizeToDynamicSMemSize, dynamicSMemSize, blockSizeLimit, flags)
        }
    }

    unsafe fn cuPointerGetAttribute(data: *mut c_void, attribute: CUpointer_attribute, ptr: CUdeviceptr) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::pointer_attribute(data, attribute, ptr) }
    }

    unsafe fn cuPointerGetAttributes(
        numAttributes: c_uint,
        attributes: *mut CUpointer_attribute,
        data: *mut *mut c_void,
        ptr: CUdeviceptr,
    ) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::pointer_attributes(numAttributes, attributes, data, ptr) }
    }

    unsafe fn cuStreamAddCallback(hStream: CUstream, callback: CUstreamCallback, userData: *mut c_void, flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::add_callback(hStream, callback, userData, flags, false) }
    }

    unsafe fn cuStreamAddCallback_ptsz(hStream: CUstream, callback: CUstreamCallback, userData: *mut c_void, flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::add_callback(hStream, callback, userData, flags, true) }
    }

    unsafe fn cuStreamCreate(phStream: *mut CUstream, Flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::create(phStream, Flags, 0) }
    }

    unsafe fn cuStreamCreateWithPriority(phStream: *mut CUstream, flags: c_uint, priority: c_int) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::create(phStream, flags, priority) }
    }

    unsafe fn cuStreamDestroy(hStream: CUstream) -> CUresult {
        stream::destroy(hStream)
    }

    unsafe fn cuStreamDestroy_v2(hStream: CUstream) -> CUresult {
        stream::destroy(hStream)
    }

    unsafe fn cuStreamGetFlags(hStream: CUstream, flags: *mut c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::get_flags(hStream, flags, false) }
    }

    unsafe fn cuStreamGetFlags_ptsz(hStream: CUstream, flags: *mut c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::get_flags(hStream, flags, true) }
    }

    unsafe fn cuStreamGetPriority(hStream: CUstream, priority: *mut c_int) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::get_priority(hStream, priority, false) }
    }

    unsafe fn cuStreamGetPriority_ptsz(hStream: CUstream, priority: *mut c_int) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::get_priority(hStream, priority, true) }
    }

    unsafe fn cuStreamQuery(hStream: CUstream) -> CUresult {
        stream::wait(ops::cuStreamQuery, hStream, false)
    }

    unsafe fn cuStreamQuery_ptsz(hStream: CUstream) -> CUresult {
        stream::wait(ops::cuStreamQuery_ptsz, hStream, true)
    }

    unsafe fn cuStreamSynchronize(hStream: CUstream) -> CUresult {
        stream::wait(ops::cuStreamSynchronize, hStream, false)
    }

    unsafe fn cuStreamSynchronize_ptsz(hStream: CUstream) -> CUresult {
        stream::wait(ops::cuStreamSynchronize_ptsz, hStream, true)
    }

    unsafe fn cuStreamWaitEvent(hStream: CUstream, hEvent: CUevent, Flags: c_uint) -> CUresult {
        stream::wait_event(hStream, hEvent, Flags, false)
    }

    unsafe fn cuStreamWaitEvent_ptsz(hStream: CUstream, hEvent: CUevent, Flags: c_uint) -> CUresult {
        stream::wait_event(hStream, hEvent, Flags, true)
    }

    unsafe fn cuGraphEventRecordNodeGetEvent(hNode: CUgraphNode, event_out: *mut CUevent) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::node_event(ops::cuGraphEventRecordNodeGetEvent, hNode, event_out) }
    }

    unsafe fn cuGraphEventWaitNodeGetEvent(hNode: CUgraphNode, event_out: *mut CUevent) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::node_event(ops::cuGraphEventWaitNodeGetEvent, hNode, event_out) }
    }

    unsafe fn cuGraphEventRecordNodeSetEvent(hNode: CUgraphNode, event: CUevent) -> CUresult {
        graph::set_node_event(ops::cuGraphEventRecordNodeSetEvent, hNode, event)
    }

    unsafe fn cuGraphEventWaitNodeSetEvent(hNode: CUgraphNode, event: CUevent) -> CUresult {
        graph::set_node_event(ops::cuGraphEventWaitNodeSetEvent, hNode, event)
    }

    unsafe fn cuGraphExecEventRecordNodeSetEvent(hGraphExec: CUgraphExec, hNode: CUgraphNode, event: CUevent) -> CUresult {
        graph::exec_set_handle(ops::cuGraphExecEventRecordNodeSetEvent, hGraphExec, hNode, event as usize as u64)
    }

    unsafe fn cuGraphExecEventWaitNodeSetEvent(hGraphExec: CUgraphExec, hNode: CUgraphNode, event: CUevent) -> CUresult {
        graph::exec_set_handle(ops::cuGraphExecEventWaitNodeSetEvent, hGraphExec, hNode, event as usize as u64)
    }

    unsafe fn cuGraphExecChildGraphNodeSetParams(hGraphExec: CUgraphExec, hNode: CUgraphNode, childGraph: CUgraph) -> CUresult {
        graph::exec_set_handle(ops::cuGraphExecChildGraphNodeSetParams, hGraphExec, hNode, childGraph as usize as u64)
    }

    unsafe fn cuGraphClone(phGraphClone: *mut CUgraph, originalGraph: CUgraph) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::clone(phGraphClone, originalGraph) }
    }

    unsafe fn cuGraphNodeFindInClone(phNode: *mut CUgraphNode, hOriginalNode: CUgraphNode, hClonedGraph: CUgraph) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::find_in_clone(phNode, hOriginalNode, hClonedGraph) }
    }

    unsafe fn cuGraphChildGraphNodeGetGraph(hNode: CUgraphNode, phGraph: *mut CUgraph) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::child_graph(hNode, phGraph) }
    }

    unsafe fn cuGraphExecGetFlags(hGraphExec: CUgraphExec, flags: *mut cuuint64_t) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::exec_flags(hGraphExec, flags) }
    }

    unsafe fn cuGraphNodeGetEnabled(hGraphExec: CUgraphExec, hNode: CUgraphNode, isEnabled: *mut c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::node_enabled(hGraphExec, hNode, isEnabled) }
    }

    unsafe fn cuGraphNodeSetEnabled(hGraphExec: CUgraphExec, hNode: CUgraphNode, isEnabled: c_uint) -> CUresult {
        graph::set_node_enabled(hGraphExec, hNode, isEnabled)
    }

    unsafe fn cuGraphKernelNodeGetAttribute(hNode: CUgraphNode, attr: CUkernelNodeAttrID, value_out: *mut CUkernelNodeAttrValue) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::kernel_attribute(hNode, attr, value_out) }
    }

    unsafe fn cuGraphKernelNodeSetAttribute(hNode: CUgraphNode, attr: CUkernelNodeAttrID, value: *const CUkernelNodeAttrValue) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::set_kernel_attribute(hNode, attr, value) }
    }

    unsafe fn cuGraphKernelNodeCopyAttributes(dst: CUgraphNode, src: CUgraphNode) -> CUresult {
        graph::copy_kernel_attributes(dst, src)
    }

    unsafe fn cuGraphKernelNodeGetParams_v2(hNode: CUgraphNode, nodeParams: *mut CUDA_KERNEL_NODE_PARAMS) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::kernel_params(hNode, nodeParams) }
    }

    unsafe fn cuGraphKernelNodeGetParams(hNode: CUgraphNode, nodeParams: *mut CUDA_KERNEL_NODE_PARAMS_v1) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::kernel_params_v1(hNode, nodeParams) }
    }

    unsafe fn cuStreamGetAttribute(hStream: CUstream, attr: CUstreamAttrID, value: *mut CUstreamAttrValue) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::attribute(hStream, attr, value, false) }
    }

    unsafe fn cuStreamSetAttribute(hStream: CUstream, attr: CUstreamAttrID, value: *const CUstreamAttrValue) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::set_attribute(hStream, attr, value, false) }
    }

    unsafe fn cuStreamWaitValue32_v2(stream: CUstream, addr: CUdeviceptr, value: cuuint32_t, flags: c_uint) -> CUresult {
        stream::mem_ops(ops::cuStreamWaitValue32_v2, stream, false, &[(CUstreamBatchMemOpType::CU_STREAM_MEM_OP_WAIT_VALUE_32.0, addr, u64::from(value), flags)], 0)
    }

    unsafe fn cuStreamWaitValue64_v2(stream: CUstream, addr: CUdeviceptr, value: cuuint64_t, flags: c_uint) -> CUresult {
        stream::mem_ops(ops::cuStreamWaitValue64_v2, stream, false, &[(CUstreamBatchMemOpType::CU_STREAM_MEM_OP_WAIT_VALUE_64.0, addr, u64::from(value), flags)], 0)
    }

    unsafe fn cuStreamWriteValue32_v2(stream: CUstream, addr: CUdeviceptr, value: cuuint32_t, flags: c_uint) -> CUresult {
        stream::mem_ops(ops::cuStreamWriteValue32_v2, stream, false, &[(CUstreamBatchMemOpType::CU_STREAM_MEM_OP_WRITE_VALUE_32.0, addr, u64::from(value), flags)], 0)
    }

    unsafe fn cuStreamWriteValue64_v2(stream: CUstream, addr: CUdeviceptr, value: cuuint64_t, flags: c_uint) -> CUresult {
        stream::mem_ops(ops::cuStreamWriteValue64_v2, stream, false, &[(CUstreamBatchMemOpType::CU_STREAM_MEM_OP_WRITE_VALUE_64.0, addr, u64::from(value), flags)], 0)
    }

    unsafe fn cuStreamBatchMemOp_v2(stream: CUstream, count: c_uint, paramArray: *mut CUstreamBatchMemOpParams, flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::batch_mem_op(stream, count, paramArray, flags, false) }
    }

    unsafe fn cuStreamGetCtx_v2(hStream: CUstream, pCtx: *mut CUcontext, pGreenCtx: *mut CUgreenCtx) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::get_ctx_v2(hStream, pCtx, pGreenCtx, false) }
    }

    unsafe fn cuStreamBeginCaptureToGraph(hStream: CUstream, hGraph: CUgraph, dependencies: *const CUgraphNode, dependencyData: *const CUgraphEdgeData, numDependencies: usize, mode: CUstreamCaptureMode) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::begin_capture_to_graph(hStream, hGraph, dependencies, dependencyData, numDependencies, mode, false) }
    }

    unsafe fn cuStreamUpdateCaptureDependencies_v2(hStream: CUstream, dependencies: *mut CUgraphNode, dependencyData: *const CUgraphEdgeData, numDependencies: usize, flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::update_capture_dependencies(hStream, dependencies, dependencyData, numDependencies, flags, false) }
    }

    unsafe fn cuStreamUpdateCaptureDependencies(hStream: CUstream, dependencies: *mut CUgraphNode, numDependencies: usize, flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::update_capture_dependencies(hStream, dependencies, core::ptr::null(), numDependencies, flags, false) }
    }

    unsafe fn cuStreamGetAttribute_ptsz(hStream: CUstream, attr: CUstreamAttrID, value: *mut CUstreamAttrValue) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::attribute(hStream, attr, value, true) }
    }

    unsafe fn cuStreamSetAttribute_ptsz(hStream: CUstream, attr: CUstreamAttrID, value: *const CUstreamAttrValue) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::set_attribute(hStream, attr, value, true) }
    }

    unsafe fn cuStreamWaitValue32_v2_ptsz(stream: CUstream, addr: CUdeviceptr, value: cuuint32_t, flags: c_uint) -> CUresult {
        stream::mem_ops(ops::cuStreamWaitValue32_v2_ptsz, stream, true, &[(CUstreamBatchMemOpType::CU_STREAM_MEM_OP_WAIT_VALUE_32.0, addr, u64::from(value), flags)], 0)
    }

    unsafe fn cuStreamWaitValue64_v2_ptsz(stream: CUstream, addr: CUdeviceptr, value: cuuint64_t, flags: c_uint) -> CUresult {
        stream::mem_ops(ops::cuStreamWaitValue64_v2_ptsz, stream, true, &[(CUstreamBatchMemOpType::CU_STREAM_MEM_OP_WAIT_VALUE_64.0, addr, u64::from(value), flags)], 0)
    }

    unsafe fn cuStreamWriteValue32_v2_ptsz(stream: CUstream, addr: CUdeviceptr, value: cuuint32_t, flags: c_uint) -> CUresult {
        stream::mem_ops(ops::cuStreamWriteValue32_v2_ptsz, stream, true, &[(CUstreamBatchMemOpType::CU_STREAM_MEM_OP_WRITE_VALUE_32.0, addr, u64::from(value), flags)], 0)
    }

    unsafe fn cuStreamWriteValue64_v2_ptsz(stream: CUstream, addr: CUdeviceptr, value: cuuint64_t, flags: c_uint) -> CUresult {
        stream::mem_ops(ops::cuStreamWriteValue64_v2_ptsz, stream, true, &[(CUstreamBatchMemOpType::CU_STREAM_MEM_OP_WRITE_VALUE_64.0, addr, u64::from(value), flags)], 0)
    }

    unsafe fn cuStreamBatchMemOp_v2_ptsz(stream: CUstream, count: c_uint, paramArray: *mut CUstreamBatchMemOpParams, flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::batch_mem_op(stream, count, paramArray, flags, true) }
    }

    unsafe fn cuStreamGetCtx_v2_ptsz(hStream: CUstream, pCtx: *mut CUcontext, pGreenCtx: *mut CUgreenCtx) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { stream::get_ctx_v2(hStream, pCtx, pGreenCtx, true) }
    }

    unsafe fn cuStreamBeginCaptureToGraph_ptsz(hStream: CUstream, hGraph: CUgraph, dependencies: *const CUgraphNode, dependencyData: *const CUgraphEdgeData, numDependencies: usize, mode: CUstreamCaptureMode) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::begin_capture_to_graph(hStream, hGraph, dependencies, dependencyData, numDependencies, mode, true) }
    }

    unsafe fn cuStreamUpdateCaptureDependencies_v2_ptsz(hStream: CUstream, dependencies: *mut CUgraphNode, dependencyData: *const CUgraphEdgeData, numDependencies: usize, flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::update_capture_dependencies(hStream, dependencies, dependencyData, numDependencies, flags, true) }
    }

    unsafe fn cuStreamUpdateCaptureDependencies_ptsz(hStream: CUstream, dependencies: *mut CUgraphNode, numDependencies: usize, flags: c_uint) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::update_capture_dependencies(hStream, dependencies, core::ptr::null(), numDependencies, flags, true) }
    }

    unsafe fn cuMemGetDefaultMemPool(pool_out: *mut CUmemoryPool, location: *mut CUmemLocation, type_: CUmemAllocationType) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::location_pool(pool_out, location, type_, true) }
    }

    unsafe fn cuMemGetMemPool(pool: *mut CUmemoryPool, location: *mut CUmemLocation, type_: CUmemAllocationType) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::location_pool(pool, location, type_, false) }
    }

    unsafe fn cuMemSetMemPool(location: *mut CUmemLocation, type_: CUmemAllocationType, pool: CUmemoryPool) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::set_location_pool(location, type_, pool) }
    }

    unsafe fn cuMemPoolSetAccess(pool: CUmemoryPool, map: *const CUmemAccessDesc, count: usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::pool_set_access(pool, map, count) }
    }

    unsafe fn cuMemPoolGetAccess(flags: *mut CUmemAccess_flags, memPool: CUmemoryPool, location: *mut CUmemLocation) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::pool_get_access(flags, memPool, location) }
    }

    unsafe fn cuMemcpy3DPeer(pCopy: *const CUDA_MEMCPY3D_PEER) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_3d_peer(ops::cuMemcpy2D_v2, pCopy, None) }
    }

    unsafe fn cuMemcpy3DPeer_ptds(pCopy: *const CUDA_MEMCPY3D_PEER) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_3d_peer(ops::cuMemcpy2D_v2_ptds, pCopy, None) }
    }

    unsafe fn cuMemcpy3DPeerAsync(pCopy: *const CUDA_MEMCPY3D_PEER, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_3d_peer(ops::cuMemcpy2DAsync_v2, pCopy, Some(stream_id(hStream, false))) }
    }

    unsafe fn cuMemcpy3DPeerAsync_ptsz(pCopy: *const CUDA_MEMCPY3D_PEER, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_3d_peer(ops::cuMemcpy2DAsync_v2_ptsz, pCopy, Some(stream_id(hStream, true))) }
    }

    unsafe fn cuMemcpyBatchAsync_v2(dsts: *mut CUdeviceptr, srcs: *mut CUdeviceptr, sizes: *mut usize, count: usize, attrs: *mut CUmemcpyAttributes, attrsIdxs: *mut usize, numAttrs: usize, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_batch(dsts, srcs, sizes, count, attrs, attrsIdxs, numAttrs, stream_id(hStream, false), false) }
    }

    unsafe fn cuMemcpyBatchAsync_v2_ptsz(dsts: *mut CUdeviceptr, srcs: *mut CUdeviceptr, sizes: *mut usize, count: usize, attrs: *mut CUmemcpyAttributes, attrsIdxs: *mut usize, numAttrs: usize, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_batch(dsts, srcs, sizes, count, attrs, attrsIdxs, numAttrs, stream_id(hStream, true), true) }
    }

    unsafe fn cuMemcpy3DBatchAsync_v2(numOps: usize, opList: *mut CUDA_MEMCPY3D_BATCH_OP, flags: c_ulonglong, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_3d_batch(numOps, opList, flags, stream_id(hStream, false), false) }
    }

    unsafe fn cuMemcpy3DBatchAsync_v2_ptsz(numOps: usize, opList: *mut CUDA_MEMCPY3D_BATCH_OP, flags: c_ulonglong, hStream: CUstream) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { memory::memcpy_3d_batch(numOps, opList, flags, stream_id(hStream, true), true) }
    }

    unsafe fn cuDeviceGetGraphMemAttribute(device: CUdevice, attr: CUgraphMem_attribute, value: *mut c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::graph_mem_attribute(device, attr, value, false) }
    }

    unsafe fn cuDeviceSetGraphMemAttribute(device: CUdevice, attr: CUgraphMem_attribute, value: *mut c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::graph_mem_attribute(device, attr, value, true) }
    }

    unsafe fn cuDeviceGetHostAtomicCapabilities(capabilities: *mut c_uint, operations: *const CUatomicOperation, count: c_uint, dev: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::host_atomic_capabilities(capabilities, operations, count, dev) }
    }

    unsafe fn cuDeviceGetP2PAtomicCapabilities(capabilities: *mut c_uint, operations: *const CUatomicOperation, count: c_uint, srcDevice: CUdevice, dstDevice: CUdevice) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { device::p2p_atomic_capabilities(capabilities, operations, count, srcDevice, dstDevice) }
    }

    unsafe fn cuKernelSetCacheConfig(kernel: CUkernel, config: CUfunc_cache, dev: CUdevice) -> CUresult {
        library::set_cache_config(kernel, config, dev)
    }

    unsafe fn cuGraphAddNode(phGraphNode: *mut CUgraphNode, hGraph: CUgraph, dependencies: *const CUgraphNode, numDependencies: usize, nodeParams: *mut CUgraphNodeParams) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::add_node_generic(phGraphNode, hGraph, dependencies, core::ptr::null(), numDependencies, nodeParams) }
    }

    unsafe fn cuGraphAddNode_v2(phGraphNode: *mut CUgraphNode, hGraph: CUgraph, dependencies: *const CUgraphNode, dependencyData: *const CUgraphEdgeData, numDependencies: usize, nodeParams: *mut CUgraphNodeParams) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::add_node_generic(phGraphNode, hGraph, dependencies, dependencyData, numDependencies, nodeParams) }
    }

    unsafe fn cuGraphNodeSetParams(hNode: CUgraphNode, nodeParams: *mut CUgraphNodeParams) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::set_node_generic(core::ptr::null_mut(), hNode, nodeParams) }
    }

    unsafe fn cuGraphExecNodeSetParams(hGraphExec: CUgraphExec, hNode: CUgraphNode, nodeParams: *mut CUgraphNodeParams) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { graph::set_node_generic(hGraphExec, hNode, nodeParams) }
    }

    unsafe fn cuLinkCreate(numOptions: c_uint, options: *mut CUjit_option, optionValues: *mut *mut c_void, stateOut: *mut CUlinkState) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { link::create(numOptions, options, optionValues, stateOut) }
    }

    unsafe fn cuLinkAddData(state: CUlinkState, type_: CUjitInputType, data: *mut c_void, size: usize, name: *const c_char, numOptions: c_uint, options: *mut CUjit_option, optionValues: *mut *mut c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { link::add_data(state, type_, data, size, name, numOptions) }
    }

    unsafe fn cuLinkAddFile(state: CUlinkState, type_: CUjitInputType, path: *const c_char, numOptions: c_uint, options: *mut CUjit_option, optionValues: *mut *mut c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { link::add_file(state, type_, path, numOptions) }
    }

    unsafe fn cuLinkCreate_v2(numOptions: c_uint, options: *mut CUjit_option, optionValues: *mut *mut c_void, stateOut: *mut CUlinkState) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { link::create(numOptions, options, optionValues, stateOut) }
    }

    unsafe fn cuLinkAddData_v2(state: CUlinkState, type_: CUjitInputType, data: *mut c_void, size: usize, name: *const c_char, numOptions: c_uint, options: *mut CUjit_option, optionValues: *mut *mut c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { link::add_data(state, type_, data, size, name, numOptions) }
    }

    unsafe fn cuLinkAddFile_v2(state: CUlinkState, type_: CUjitInputType, path: *const c_char, numOptions: c_uint, options: *mut CUjit_option, optionValues: *mut *mut c_void) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { link::add_file(state, type_, path, numOptions) }
    }

    unsafe fn cuLinkComplete(state: CUlinkState, cubinOut: *mut *mut c_void, sizeOut: *mut usize) -> CUresult {
        // SAFETY: the caller upholds this entry point's contract, which is the callee's.
        unsafe { link::complete(state, cubinOut, sizeOut) }
    }

    unsafe fn cuLinkDestroy(state: CUlinkState) -> CUresult {
        link::destroy(state)
    }
}
