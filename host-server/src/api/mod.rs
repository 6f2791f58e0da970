//! Call handlers, one module per API area, and the dispatch from op codes to
//! them. Each handler decodes its arguments (a malformed body ends the
//! session), maps guest handles, checks device pointers, calls the backend
//! and encodes the reply. Message layouts are in `wire/PROTOCOL.md`.

mod array;
mod auto;
mod context;
mod device;
mod event;
mod graph;
mod init;
mod ipc;
mod launch;
mod link;
mod managed;
pub(crate) mod library;
mod memory;
mod mirror;
pub(crate) mod module;
mod pool;
mod stream;
mod tensor;
mod tools;
mod vmm;

use cuvm_abi::CUresult;
use cuvm_wire::Decoder;
use cuvm_wire::ops;

use crate::backend::Raw;
use crate::session::handles::Kind;
use crate::session::{Conn, Fail, HResult, Session};
use graph::NodeKind;

/// `parent` of a capture's graph (see `graph`).
pub use graph::CAPTURE_GRAPH;
/// `parent` of a created memory pool's handle (see `pool`).
pub use pool::CREATED as POOL_CREATED;

/// Routes one call to its handler.
///
/// # Errors
/// The handler's [`Fail`]; an op cuvm-host does not serve is
/// `CUDA_ERROR_NOT_SUPPORTED` (logged once per op).
/// The driver's function for guest id `f`: a CUfunction, or a CUkernel,
/// which may stand wherever a CUfunction is expected (the driver then uses
/// the kernel's function in the current context).
///
/// # Errors
/// `CUDA_ERROR_INVALID_HANDLE` for an id that is neither.
pub(crate) fn function_raw(s: &mut Session, f: u64) -> Result<Raw, Fail> {
    match s.handles.get(f, Kind::Kernel) {
        Ok(kernel) => {
            let raw = kernel.raw;
            library::refresh_params(s, f)?;
            Ok(s.backend.kernel_get_function(raw)?)
        }
        Err(_) => Ok(s.handles.raw(f, Kind::Function)?),
    }
}

pub fn dispatch(s: &mut Session, conn: &mut Conn, op: u32, seq: u64, a: &mut Decoder<'_>) -> HResult {
    if !s.initialized && !matches!(op, ops::cuInit | ops::cuDriverGetVersion) {
        return Err(CUresult::CUDA_ERROR_NOT_INITIALIZED.into());
    }
    match op {
        ops::cuInit => init::init(s, a),
        ops::cuDriverGetVersion => init::driver_version(s),

        ops::cuDeviceGetCount => device::count(s),
        ops::cuDeviceGet => device::get(s, a),
        ops::cuDeviceGetName => device::name(s, a),
        ops::cuDeviceGetUuid | ops::cuDeviceGetUuid_v2 => device::uuid(s, a),
        ops::cuDeviceTotalMem_v2 => device::total_mem(s, a),
        ops::cuDeviceGetAttribute => device::attribute(s, a),
        ops::cuDeviceGetPCIBusId => device::pci_bus_id(s, a),
        ops::cuDeviceCanAccessPeer => device::can_access_peer(s, a),
        ops::cuDeviceGetP2PAttribute => device::p2p_attribute(s, a),

        ops::cuDevicePrimaryCtxRetain => context::primary_retain(s, a),
        ops::CUVM_PRIMARY_CONTEXT_HANDLE => context::primary_handle(s, a),
        ops::CUVM_TOOLS_CONTEXT_SLOT => tools::tools_context_slot(s, a),
        ops::CUVM_MIRROR_MAP => mirror::map(s, a),
        ops::CUVM_MIRROR_UNMAP => mirror::unmap(s, a),
        ops::CUVM_MIRROR_WRITE => mirror::write(s, a),
        ops::CUVM_MIRROR_READ => mirror::read(s),
        ops::cuDevicePrimaryCtxRelease_v2 => context::primary_release(s, a),
        ops::cuDevicePrimaryCtxSetFlags_v2 => context::primary_set_flags(s, a),
        ops::cuDevicePrimaryCtxGetState => context::primary_state(s, a),
        ops::cuDevicePrimaryCtxReset_v2 => context::primary_reset(s, a),
        ops::cuCtxCreate_v2 => context::create(s, a),
        ops::cuCtxDestroy_v2 => context::destroy(s, a),
        ops::cuCtxSynchronize => context::synchronize(s),
        ops::cuCtxGetLimit => context::get_limit(s, a),
        ops::cuCtxSetLimit => context::set_limit(s, a),
        ops::cuCtxGetCacheConfig => context::get_cache_config(s),
        ops::cuCtxSetCacheConfig => context::set_cache_config(s, a),
        ops::cuCtxGetStreamPriorityRange => context::priority_range(s),
        ops::cuCtxGetFlags => context::flags(s),
        ops::cuCtxGetApiVersion => context::api_version(s, a),

        ops::cuMemAlloc_v2 => memory::alloc(s, a),
        ops::cuMemAllocPitch_v2 => memory::alloc_pitch(s, a),
        ops::cuMemFree_v2 => memory::free(s, a),
        ops::cuMemGetInfo_v2 => memory::get_info(s),
        ops::cuMemGetAddressRange_v2 => memory::address_range(s, a),
        ops::cuPointerGetAttribute => memory::pointer_attribute(s, a),
        ops::cuMemAllocAsync | ops::cuMemAllocAsync_ptsz => memory::alloc_async(s, a),
        ops::cuMemFreeAsync | ops::cuMemFreeAsync_ptsz => memory::free_async(s, a),
        ops::cuDeviceGetDefaultMemPool => pool::default_pool(s, a),
        ops::cuDeviceGetMemPool => pool::device_pool(s, a),
        ops::cuDeviceSetMemPool => pool::set_device_pool(s, a),
        ops::cuMemPoolCreate => pool::create(s, a),
        ops::cuMemPoolDestroy => pool::destroy(s, a),
        ops::cuMemAllocFromPoolAsync | ops::cuMemAllocFromPoolAsync_ptsz => pool::alloc_from_pool(s, a),
        ops::cuMemGetAllocationGranularity => vmm::granularity(s, a),
        ops::cuMemCreate => vmm::create(s, a),
        ops::cuMemRelease => vmm::release(s, a),
        ops::cuMemAddressReserve => vmm::reserve(s, a),
        ops::cuMemAddressFree => vmm::address_free(s, a),
        ops::cuMemMap => vmm::map(s, a),
        ops::cuMemUnmap => vmm::unmap(s, a),
        ops::cuMemSetAccess => vmm::set_access(s, a),
        ops::cuMemGetAccess => vmm::get_access(s, a),
        ops::cuMemRetainAllocationHandle => vmm::retain(s, a),
        ops::cuMemGetAllocationPropertiesFromHandle => vmm::properties(s, a),
        ops::cuMemPoolTrimTo => pool::trim(s, a),
        ops::cuMemPoolGetAttribute => pool::get_attribute(s, a),
        ops::cuMemPoolSetAttribute => pool::set_attribute(s, a),
        ops::cuMemcpyHtoD_v2 | ops::cuMemcpyHtoD_v2_ptds => memory::htod(s, conn, seq, a, false),
        ops::cuMemcpyHtoDAsync_v2 | ops::cuMemcpyHtoDAsync_v2_ptsz => memory::htod(s, conn, seq, a, true),
        ops::cuMemcpyDtoH_v2 | ops::cuMemcpyDtoH_v2_ptds => memory::dtoh(s, conn, op, seq, a, false),
        ops::cuMemcpyDtoHAsync_v2 | ops::cuMemcpyDtoHAsync_v2_ptsz => memory::dtoh(s, conn, op, seq, a, true),
        ops::cuMemcpyDtoD_v2 | ops::cuMemcpyDtoD_v2_ptds => memory::dtod(s, a, false),
        ops::cuMemcpyDtoDAsync_v2 | ops::cuMemcpyDtoDAsync_v2_ptsz => memory::dtod(s, a, true),
        ops::cuMemcpy2D_v2 | ops::cuMemcpy2D_v2_ptds | ops::cuMemcpy2DUnaligned_v2 | ops::cuMemcpy2DUnaligned_v2_ptds => {
            memory::memcpy_2d(s, conn, op, seq, a, false)
        }
        ops::cuMemcpy2DAsync_v2 | ops::cuMemcpy2DAsync_v2_ptsz => memory::memcpy_2d(s, conn, op, seq, a, true),
        ops::cuMemsetD8_v2
        | ops::cuMemsetD16_v2
        | ops::cuMemsetD32_v2
        | ops::cuMemsetD2D8_v2
        | ops::cuMemsetD2D16_v2
        | ops::cuMemsetD2D32_v2
        | ops::cuMemsetD8_v2_ptds
        | ops::cuMemsetD16_v2_ptds
        | ops::cuMemsetD32_v2_ptds
        | ops::cuMemsetD2D8_v2_ptds
        | ops::cuMemsetD2D16_v2_ptds
        | ops::cuMemsetD2D32_v2_ptds => memory::memset(s, a, false),
        ops::cuMemsetD8Async
        | ops::cuMemsetD16Async
        | ops::cuMemsetD32Async
        | ops::cuMemsetD2D8Async
        | ops::cuMemsetD2D16Async
        | ops::cuMemsetD2D32Async
        | ops::cuMemsetD8Async_ptsz
        | ops::cuMemsetD16Async_ptsz
        | ops::cuMemsetD32Async_ptsz
        | ops::cuMemsetD2D8Async_ptsz
        | ops::cuMemsetD2D16Async_ptsz
        | ops::cuMemsetD2D32Async_ptsz => memory::memset(s, a, true),

        ops::cuArrayCreate_v2 => array::create(s, a, false),
        ops::cuArray3DCreate_v2 => array::create(s, a, true),
        ops::cuArrayDestroy => array::destroy(s, a),
        ops::cuArrayGetDescriptor_v2 => array::descriptor(s, a, false),
        ops::cuArray3DGetDescriptor_v2 => array::descriptor(s, a, true),
        ops::cuArrayGetMemoryRequirements => array::memory_requirements(s, a, false),
        ops::cuArrayGetSparseProperties => array::sparse_properties(s, a, false),
        ops::cuArrayGetPlane => array::plane(s, a),
        ops::cuMipmappedArrayCreate => array::mipmapped_create(s, a),
        ops::cuMipmappedArrayDestroy => array::mipmapped_destroy(s, a),
        ops::cuMipmappedArrayGetLevel => array::level(s, a),
        ops::cuMipmappedArrayGetMemoryRequirements => array::memory_requirements(s, a, true),
        ops::cuMipmappedArrayGetSparseProperties => array::sparse_properties(s, a, true),
        ops::cuMemcpy3D_v2
        | ops::cuMemcpy3D_v2_ptds
        | ops::cuMemcpyHtoA_v2
        | ops::cuMemcpyHtoA_v2_ptds
        | ops::cuMemcpyAtoH_v2
        | ops::cuMemcpyAtoH_v2_ptds
        | ops::cuMemcpyDtoA_v2
        | ops::cuMemcpyDtoA_v2_ptds
        | ops::cuMemcpyAtoD_v2
        | ops::cuMemcpyAtoD_v2_ptds
        | ops::cuMemcpyAtoA_v2
        | ops::cuMemcpyAtoA_v2_ptds => array::memcpy(s, conn, op, seq, a, false),
        ops::cuMemcpy3DAsync_v2
        | ops::cuMemcpy3DAsync_v2_ptsz
        | ops::cuMemcpyHtoAAsync_v2
        | ops::cuMemcpyHtoAAsync_v2_ptsz
        | ops::cuMemcpyAtoHAsync_v2
        | ops::cuMemcpyAtoHAsync_v2_ptsz => array::memcpy(s, conn, op, seq, a, true),
        ops::cuTexObjectCreate => array::tex_create(s, a),
        ops::cuTexObjectDestroy => array::object_destroy(s, a, Kind::TexObject),
        ops::cuTexObjectGetResourceDesc => array::object_resource(s, a, Kind::TexObject),
        ops::cuTexObjectGetTextureDesc => array::tex_texture_desc(s, a),
        ops::cuTexObjectGetResourceViewDesc => array::tex_view_desc(s, a),
        ops::cuSurfObjectCreate => array::surf_create(s, a),
        ops::cuSurfObjectDestroy => array::object_destroy(s, a, Kind::SurfObject),
        ops::cuSurfObjectGetResourceDesc => array::object_resource(s, a, Kind::SurfObject),

        ops::cuModuleLoadData => module::load(s, conn, seq, a),
        ops::cuLinkCreate_v2 => link::create(s, a),
        ops::cuLinkAddData_v2 => link::add(s, conn, seq, a),
        ops::cuLinkComplete => link::complete(s, a),
        ops::cuLinkDestroy => link::destroy(s, a),
        ops::CUVM_LINK_IMAGE => link::image(s, conn, op, seq, a),
        ops::cuMemAllocManaged => managed::alloc(s, a),
        ops::CUVM_MANAGED_WRITE => managed::write(s, conn, seq, a),
        ops::CUVM_MANAGED_CHANGES => managed::changes(s),
        ops::CUVM_MANAGED_FETCH => managed::fetch(s, conn, seq, a),
        ops::cuModuleUnload => module::unload(s, a),
        ops::cuModuleGetFunction => module::get_function(s, a),
        ops::cuModuleGetGlobal_v2 => module::get_global(s, a),
        ops::cuModuleGetFunctionCount => module::function_count(s, a),
        ops::cuModuleGetLoadingMode => module::loading_mode(s),
        ops::cuTensorMapEncodeTiled => tensor::encode_tiled(s, a),
        ops::cuTensorMapEncodeIm2col => tensor::encode_im2col(s, a),
        ops::cuStreamGetCaptureInfo_v3 => stream::capture_info(s, a),
        ops::cuTensorMapReplaceAddress => tensor::replace_address(s, a),
        ops::cuModuleEnumerateFunctions => module::enumerate_functions(s, a),
        ops::cuFuncGetAttribute => module::func_get_attribute(s, a),
        ops::cuFuncSetAttribute => module::func_set_attribute(s, a),
        ops::cuFuncSetCacheConfig => module::func_set_cache_config(s, a),
        ops::cuFuncGetName => module::func_name(s, a),

        ops::cuIpcGetMemHandle => ipc::get_mem_handle(s, a),
        ops::cuIpcOpenMemHandle_v2 => ipc::open_mem_handle(s, a),
        ops::cuIpcCloseMemHandle => ipc::close_mem_handle(s, a),
        ops::cuIpcGetEventHandle => ipc::get_event_handle(s, a),
        ops::cuIpcOpenEventHandle => ipc::open_event_handle(s, a),

        ops::cuLibraryLoadData => library::load(s, conn, seq, a),
        ops::cuLibraryUnload => library::unload(s, a),
        ops::cuLibraryGetKernel => library::get_kernel(s, a),
        ops::cuLibraryGetKernelCount => library::kernel_count(s, a),
        ops::cuLibraryEnumerateKernels => library::enumerate_kernels(s, a),
        ops::cuLibraryGetModule => library::get_module(s, a),
        ops::cuLibraryGetGlobal => library::get_global(s, a),
        ops::cuKernelGetFunction => library::get_function(s, a),
        ops::cuKernelGetAttribute => library::get_attribute(s, a),
        ops::cuKernelSetAttribute => library::set_attribute(s, a),
        ops::cuKernelGetName => library::get_name(s, a),
        ops::cuKernelGetParamInfo => library::param_info(s, a),

        ops::cuLaunchKernel | ops::cuLaunchKernel_ptsz => launch::launch(s, a),
        ops::cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags => launch::occupancy(s, a),
        ops::cuOccupancyMaxPotentialBlockSizeWithFlags => launch::potential_block_size(s, a),
        ops::cuOccupancyAvailableDynamicSMemPerBlock => launch::available_dynamic_smem(s, a),
        ops::cuOccupancyMaxActiveClusters => launch::cluster_occupancy(s, a, false),
        ops::cuOccupancyMaxPotentialClusterSize => launch::cluster_occupancy(s, a, true),

        ops::cuStreamCreateWithPriority => stream::create(s, a),
        ops::cuStreamDestroy_v2 => stream::destroy(s, a),
        ops::cuStreamSynchronize | ops::cuStreamSynchronize_ptsz => stream::synchronize(s, a),
        ops::cuStreamQuery | ops::cuStreamQuery_ptsz => stream::query(s, a),
        ops::cuStreamWaitEvent | ops::cuStreamWaitEvent_ptsz => stream::wait_event(s, a),
        ops::cuStreamGetPriority | ops::cuStreamGetPriority_ptsz => stream::priority(s, a),
        ops::cuStreamGetFlags | ops::cuStreamGetFlags_ptsz => stream::flags(s, a),

        ops::cuStreamBeginCapture_v2 | ops::cuStreamBeginCapture_v2_ptsz => graph::begin_capture(s, a),
        ops::cuStreamEndCapture | ops::cuStreamEndCapture_ptsz => graph::end_capture(s, a),
        ops::cuStreamIsCapturing | ops::cuStreamIsCapturing_ptsz => graph::is_capturing(s, a),
        ops::cuThreadExchangeStreamCaptureMode => graph::exchange_mode(s, a),
        ops::cuGraphCreate => graph::create(s, a),
        ops::cuGraphDestroy => graph::destroy(s, a),
        ops::cuGraphAddEmptyNode => graph::add_node(s, a, NodeKind::Empty),
        ops::cuGraphAddMemsetNode => graph::add_node(s, a, NodeKind::Memset),
        ops::cuGraphAddMemcpyNode => graph::add_node(s, a, NodeKind::Memcpy),
        ops::cuGraphAddKernelNode_v2 => graph::add_node(s, a, NodeKind::Kernel),
        ops::cuGraphAddEventRecordNode => graph::add_node(s, a, NodeKind::EventRecord),
        ops::cuGraphAddEventWaitNode => graph::add_node(s, a, NodeKind::EventWait),
        ops::cuGraphAddChildGraphNode => graph::add_node(s, a, NodeKind::Child),
        ops::cuGraphGetNodes => graph::nodes(s, a, false),
        ops::cuGraphGetRootNodes => graph::nodes(s, a, true),
        ops::cuGraphGetEdges_v2 => graph::edges(s, a),
        ops::cuGraphAddDependencies_v2 => graph::dependencies(s, a, true),
        ops::cuGraphRemoveDependencies_v2 => graph::dependencies(s, a, false),
        ops::cuGraphNodeGetType => graph::node_type(s, a),
        ops::cuGraphNodeGetDependencies_v2 => graph::neighbours(s, a, false),
        ops::cuGraphNodeGetDependentNodes_v2 => graph::neighbours(s, a, true),
        ops::cuGraphDestroyNode => graph::destroy_node(s, a),
        ops::cuGraphMemsetNodeGetParams => graph::node_params(s, a, NodeKind::Memset),
        ops::cuGraphMemcpyNodeGetParams => graph::node_params(s, a, NodeKind::Memcpy),
        ops::cuGraphMemsetNodeSetParams => graph::set_node_params(s, a, NodeKind::Memset),
        ops::cuGraphMemcpyNodeSetParams => graph::set_node_params(s, a, NodeKind::Memcpy),
        ops::cuGraphKernelNodeSetParams_v2 => graph::set_node_params(s, a, NodeKind::Kernel),
        ops::cuGraphInstantiateWithFlags => graph::instantiate(s, a),
        ops::cuGraphExecDestroy => graph::exec_destroy(s, a),
        ops::cuGraphExecMemsetNodeSetParams => graph::exec_set_node_params(s, a, NodeKind::Memset),
        ops::cuGraphExecMemcpyNodeSetParams => graph::exec_set_node_params(s, a, NodeKind::Memcpy),
        ops::cuGraphExecKernelNodeSetParams_v2 => graph::exec_set_node_params(s, a, NodeKind::Kernel),
        ops::cuGraphExecUpdate_v2 => graph::exec_update(s, a),
        ops::cuGraphLaunch | ops::cuGraphLaunch_ptsz => graph::launch(s, a, false),
        ops::cuGraphUpload | ops::cuGraphUpload_ptsz => graph::launch(s, a, true),
        ops::cuGraphEventRecordNodeGetEvent => graph::node_params(s, a, NodeKind::EventRecord),
        ops::cuGraphEventWaitNodeGetEvent => graph::node_params(s, a, NodeKind::EventWait),
        ops::cuGraphEventRecordNodeSetEvent => graph::set_node_params(s, a, NodeKind::EventRecord),
        ops::cuGraphEventWaitNodeSetEvent => graph::set_node_params(s, a, NodeKind::EventWait),
        ops::cuGraphExecEventRecordNodeSetEvent => graph::exec_set_node_params(s, a, NodeKind::EventRecord),
        ops::cuGraphExecEventWaitNodeSetEvent => graph::exec_set_node_params(s, a, NodeKind::EventWait),
        ops::cuGraphExecChildGraphNodeSetParams => graph::exec_set_node_params(s, a, NodeKind::Child),
        ops::cuGraphClone => graph::clone(s, a),
        ops::cuGraphNodeFindInClone => graph::find_in_clone(s, a),
        ops::cuGraphChildGraphNodeGetGraph => graph::child_graph(s, a),
        ops::cuGraphExecGetFlags => graph::exec_flags(s, a),
        ops::cuGraphNodeGetEnabled => graph::enabled(s, a, false),
        ops::cuGraphNodeSetEnabled => graph::enabled(s, a, true),
        ops::cuGraphKernelNodeGetAttribute => graph::kernel_attribute(s, a, false),
        ops::cuGraphKernelNodeSetAttribute => graph::kernel_attribute(s, a, true),
        ops::cuGraphKernelNodeCopyAttributes => graph::kernel_copy_attributes(s, a),
        ops::cuGraphKernelNodeGetParams_v2 => graph::kernel_params_get(s, a),
        ops::cuStreamBeginCaptureToGraph | ops::cuStreamBeginCaptureToGraph_ptsz => graph::begin_capture_to_graph(s, a),
        ops::cuStreamUpdateCaptureDependencies_v2 | ops::cuStreamUpdateCaptureDependencies_v2_ptsz => {
            graph::update_capture_dependencies(s, a)
        }
        ops::cuStreamGetAttribute | ops::cuStreamGetAttribute_ptsz => stream::attribute(s, a, false),
        ops::cuStreamSetAttribute | ops::cuStreamSetAttribute_ptsz => stream::attribute(s, a, true),
        ops::cuStreamBatchMemOp_v2
        | ops::cuStreamBatchMemOp_v2_ptsz
        | ops::cuStreamWaitValue32_v2
        | ops::cuStreamWaitValue32_v2_ptsz
        | ops::cuStreamWaitValue64_v2
        | ops::cuStreamWaitValue64_v2_ptsz
        | ops::cuStreamWriteValue32_v2
        | ops::cuStreamWriteValue32_v2_ptsz
        | ops::cuStreamWriteValue64_v2
        | ops::cuStreamWriteValue64_v2_ptsz => stream::mem_ops(s, a),
        ops::cuMemPoolSetAccess => pool::set_access(s, a),
        ops::cuMemPoolGetAccess => pool::get_access(s, a),
        ops::cuDeviceGetGraphMemAttribute => device::graph_mem_attribute(s, a, false),
        ops::cuDeviceSetGraphMemAttribute => device::graph_mem_attribute(s, a, true),
        ops::cuDeviceGetP2PAtomicCapabilities => device::p2p_atomic_capabilities(s, a),
        ops::cuKernelSetCacheConfig => library::set_cache_config(s, a),

        ops::cuEventCreate => event::create(s, a),
        ops::cuEventDestroy_v2 => event::destroy(s, a),
        ops::cuEventRecord | ops::cuEventRecord_ptsz => event::record(s, a),
        ops::cuEventSynchronize => event::synchronize(s, a),
        ops::cuEventQuery => event::query(s, a),
        ops::cuEventElapsedTime_v2 => event::elapsed(s, a),

        _ => auto::dispatch(s, op, a).unwrap_or_else(|| {
            log::warn!("session {}: {} is not served by cuvm-host", s.id, crate::session::op_name(op));
            Err(CUresult::CUDA_ERROR_NOT_SUPPORTED.into())
        }),
    }
}

/// The backend stream for a guest stream handle (0, 1, 2 pass through).
fn stream_raw(s: &Session, id: u64) -> Result<Raw, Fail> {
    if crate::backend::SPECIAL_STREAMS.contains(&id) {
        return Ok(id);
    }
    Ok(s.handles.raw(id, Kind::Stream)?)
}
