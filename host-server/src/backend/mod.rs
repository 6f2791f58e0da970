//! Backends: what actually executes the driver API for a session. One trait,
//! one folder per backend:
//!
//! - [`native`]: NVIDIA's `libcuda.so.1`, loaded with libloading;
//! - [`emulated`]: a software GPU in host memory (devices, contexts, memory,
//!   copies, memsets, streams, events, modules), for machines without a GPU.
//!   It cannot run kernels.
//!
//! Every method has a default that answers `CUDA_ERROR_NOT_SUPPORTED`, so a
//! backend can be partial without hiding it. Handles here are the backend's
//! own ([`Raw`]); sessions map them to the ids guests see and never let a raw
//! value reach a guest.

pub mod emulated;
pub mod graph;
pub mod native;

pub use graph::{Copy3d, GraphNode, Graphs, KernelNode, Side3d};

use cuvm_abi::CUresult;
pub use cuvm_wire::array::{ArrayCopy, ArrayDesc, Resource, SPARSE_PROPERTIES_SIZE, Side as ArraySide, TEXTURE_DESC_SIZE, VIEW_DESC_SIZE};

/// A result carrying the driver's error code.
pub type CuResult<T> = Result<T, CUresult>;

/// A backend's own handle (for `native`, the real driver's pointer value).
pub type Raw = u64;

/// `CUDA_ERROR_NOT_SUPPORTED`, the answer of every default method.
pub const NOT_SUPPORTED: CUresult = CUresult::CUDA_ERROR_NOT_SUPPORTED;

/// The special stream handles that mean the NULL, legacy and per-thread
/// default streams; they pass through unmapped.
pub const SPECIAL_STREAMS: [u64; 3] = [0, 1, 2];

/// One kernel parameter: offset and size in the packed parameter buffer.
/// What a JIT link session reports after adding an input or completing:
/// its logs (up to the guest's buffer sizes), the wall time and the
/// threads per block the compiler targeted (at completion).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkLogs {
    /// The info log, without its terminator.
    pub info: Vec<u8>,
    /// The error log, without its terminator.
    pub error: Vec<u8>,
    /// `CU_JIT_WALL_TIME` (milliseconds).
    pub wall_ms: f32,
    /// `CU_JIT_THREADS_PER_BLOCK` as the compiler set it (0 if not asked).
    pub threads: u32,
}

/// One stream memory operation (`CUstreamBatchMemOpParams`): wait for or
/// write a 32/64-bit value, a memory barrier, a remote-writes flush.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamMemOp {
    /// `CUstreamBatchMemOpType`.
    pub kind: u32,
    /// The device address (waits and writes).
    pub addr: u64,
    /// The value (waits and writes).
    pub value: u64,
    /// The operation's flags.
    pub flags: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// Byte offset in the argument buffer.
    pub offset: u32,
    /// Size in bytes.
    pub size: u32,
}

/// How to launch a kernel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchConfig {
    /// Grid size.
    pub grid: [u32; 3],
    /// Block size.
    pub block: [u32; 3],
    /// Dynamic shared memory in bytes.
    pub shared_mem: u32,
    /// The stream (raw; 0/1/2 special).
    pub stream: Raw,
    /// Launch cooperatively.
    pub cooperative: bool,
    /// Launch attributes whose values are plain data (id, 64-byte value),
    /// checked against the list the guest may send.
    pub attrs: Vec<(u32, [u8; 64])>,
}

/// What `cuStreamGetCaptureInfo_v3` reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaptureInfo {
    /// `CUstreamCaptureStatus`.
    pub status: u32,
    /// The capture's unique id.
    pub id: u64,
    /// The graph being captured into (0 when not capturing).
    pub graph: Raw,
    /// The capture's current dependencies (graph nodes).
    pub dependencies: Vec<Raw>,
    /// Their edge data (8 bytes each, as `CUgraphEdgeData`).
    pub edges: Vec<[u8; 8]>,
}

/// The arguments of `cuTensorMapEncodeTiled` (the address checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TiledTensorMap {
    /// `CUtensorMapDataType`.
    pub data_type: u32,
    /// The tensor's device address.
    pub address: u64,
    /// Dimensions (rank entries).
    pub dims: Vec<u64>,
    /// Strides in bytes (rank - 1 entries).
    pub strides: Vec<u64>,
    /// Box dimensions (rank entries).
    pub box_dims: Vec<u32>,
    /// Element strides (rank entries).
    pub element_strides: Vec<u32>,
    /// Interleave, swizzle, L2 promotion, out-of-bounds fill.
    pub options: [u32; 4],
}

/// The arguments of `cuTensorMapEncodeIm2col` (`map.box_dims` unused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Im2colTensorMap {
    /// Type, address, dimensions, strides, element strides, options.
    pub map: TiledTensorMap,
    /// The pixel box's lower corner (rank - 2 entries).
    pub lower: Vec<i32>,
    /// Its upper corner (rank - 2 entries).
    pub upper: Vec<i32>,
    /// Channels per pixel.
    pub channels_per_pixel: u32,
    /// Pixels per column.
    pub pixels_per_column: u32,
}

/// A 2D copy's device sides and shape (pitches in bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copy2d {
    /// Destination device address (0 when the host is the destination).
    pub dst: u64,
    /// Destination pitch.
    pub dst_pitch: u64,
    /// Source device address (0 when the host is the source).
    pub src: u64,
    /// Source pitch.
    pub src_pitch: u64,
    /// Bytes per row.
    pub width: u64,
    /// Rows.
    pub height: u64,
}

/// The host side of a 2D copy: packed rows.
pub enum Host2d<'a> {
    /// Device to device.
    None,
    /// Host to device: the rows to write.
    Source(&'a [u8]),
    /// Device to host: where to put the rows.
    Destination(&'a mut [u8]),
}

/// The fields of `CUmemAllocationProp` that travel (the Windows handle
/// metadata does not exist on Linux).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemProp {
    /// `CUmemAllocationType`.
    pub kind: u32,
    /// `CUmemAllocationHandleType` bits.
    pub handle_types: u32,
    /// `CUmemLocationType`.
    pub location_type: u32,
    /// Location id (device ordinal).
    pub location_id: i32,
    /// Compression type.
    pub compression: u8,
    /// GPUDirect RDMA capable.
    pub rdma: u8,
    /// Usage flags.
    pub usage: u16,
}

/// A 2D memset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memset {
    /// Destination.
    pub dst: u64,
    /// Pitch in bytes (for 1D: the width in bytes).
    pub pitch: u64,
    /// The value, in its low `elem_size` bytes.
    pub value: u32,
    /// 1, 2 or 4.
    pub elem_size: u8,
    /// Elements per row.
    pub width: u64,
    /// Rows.
    pub height: u64,
}

/// The driver API as a session needs it.
#[allow(unused_variables, missing_docs, clippy::missing_errors_doc)]
pub trait Backend: Graphs + Send {
    /// `native` or `emulated`.
    fn name(&self) -> &'static str;
    /// The driver's own entry points, for calls generated from the
    /// declaration list (`api::auto`); only the native backend has them.
    fn table(&self) -> Option<&cuvm_abi::dynamic::DriverTable> {
        None
    }
    /// Whether kernels can run (guests refuse launches at once otherwise).
    fn can_launch(&self) -> bool {
        true
    }
    fn driver_version(&self) -> CuResult<i32> {
        Err(NOT_SUPPORTED)
    }
    fn init(&mut self, flags: u32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }

    // Devices.
    fn device_count(&mut self) -> CuResult<i32> {
        Err(NOT_SUPPORTED)
    }
    fn device_get(&mut self, ordinal: i32) -> CuResult<i32> {
        Err(NOT_SUPPORTED)
    }
    fn device_name(&mut self, dev: i32) -> CuResult<String> {
        Err(NOT_SUPPORTED)
    }
    fn device_uuid(&mut self, dev: i32) -> CuResult<[u8; 16]> {
        Err(NOT_SUPPORTED)
    }
    fn device_total_mem(&mut self, dev: i32) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn device_attribute(&mut self, attrib: i32, dev: i32) -> CuResult<i32> {
        Err(NOT_SUPPORTED)
    }
    fn device_pci_bus_id(&mut self, dev: i32) -> CuResult<String> {
        Err(NOT_SUPPORTED)
    }
    fn device_can_access_peer(&mut self, dev: i32, peer: i32) -> CuResult<i32> {
        Err(NOT_SUPPORTED)
    }
    fn device_p2p_attribute(&mut self, attrib: i32, src: i32, dst: i32) -> CuResult<i32> {
        Err(NOT_SUPPORTED)
    }

    // Contexts.
    fn primary_ctx_retain(&mut self, dev: i32) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn primary_ctx_release(&mut self, dev: i32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn primary_ctx_set_flags(&mut self, dev: i32, flags: u32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn primary_ctx_state(&mut self, dev: i32) -> CuResult<(u32, bool)> {
        Err(NOT_SUPPORTED)
    }
    fn primary_ctx_reset(&mut self, dev: i32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn ctx_create(&mut self, flags: u32, dev: i32) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn ctx_destroy(&mut self, ctx: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// Makes `ctx` (0: none) current on the calling thread.
    fn ctx_set_current(&mut self, ctx: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn ctx_synchronize(&mut self) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn ctx_get_limit(&mut self, limit: i32) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn ctx_set_limit(&mut self, limit: i32, value: u64) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn ctx_get_cache_config(&mut self) -> CuResult<i32> {
        Err(NOT_SUPPORTED)
    }
    fn ctx_set_cache_config(&mut self, config: i32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn ctx_stream_priority_range(&mut self) -> CuResult<(i32, i32)> {
        Err(NOT_SUPPORTED)
    }
    fn ctx_get_flags(&mut self) -> CuResult<u32> {
        Err(NOT_SUPPORTED)
    }
    fn ctx_api_version(&mut self, ctx: Raw) -> CuResult<u32> {
        Err(NOT_SUPPORTED)
    }

    // Memory.
    fn mem_alloc(&mut self, size: u64) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn mem_alloc_pitch(&mut self, width: u64, height: u64, elem_size: u32) -> CuResult<(u64, u64)> {
        Err(NOT_SUPPORTED)
    }
    fn mem_free(&mut self, ptr: u64) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// Managed memory (`flags`: `CU_MEM_ATTACH_GLOBAL` or `_HOST`).
    fn mem_alloc_managed(&mut self, size: u64, flags: u32) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn mem_get_info(&mut self) -> CuResult<(u64, u64)> {
        Err(NOT_SUPPORTED)
    }
    /// Stream-ordered allocation from the device's current pool.
    fn mem_alloc_async(&mut self, size: u64, stream: Raw) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn mem_free_async(&mut self, ptr: u64, stream: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn default_mem_pool(&mut self, dev: i32) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    /// A pool of pinned device memory on device `dev`, of at most
    /// `max_size` bytes (0: the device's memory), no shareable handles.
    fn mem_pool_create(&mut self, dev: i32, max_size: u64) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn mem_pool_destroy(&mut self, pool: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn mem_alloc_from_pool(&mut self, size: u64, pool: Raw, stream: Raw) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn device_mem_pool(&mut self, dev: i32) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn device_set_mem_pool(&mut self, dev: i32, pool: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn mem_pool_trim(&mut self, pool: Raw, keep: u64) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// A pool attribute, widened to u64 (4-byte attributes are ints).
    fn mem_pool_get_attribute(&mut self, pool: Raw, attr: u32) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn mem_pool_set_attribute(&mut self, pool: Raw, attr: u32, value: u64) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn memcpy_htod(&mut self, dst: u64, src: &[u8], stream: Option<Raw>) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn memcpy_dtoh(&mut self, dst: &mut [u8], src: u64, stream: Option<Raw>) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn memcpy_dtod(&mut self, dst: u64, src: u64, size: u64, stream: Option<Raw>) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// A 2D copy; `host` is the packed rows (`width` bytes each, `height`
    /// rows) on the host side, if any.
    fn memcpy_2d(&mut self, copy: Copy2d, host: Host2d<'_>, stream: Option<Raw>) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn memset(&mut self, op: Memset, stream: Option<Raw>) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }

    // CUDA arrays, texture and surface objects.
    /// `cuArrayCreate_v2` (`three_d` false: depth 0, no flags) or
    /// `cuArray3DCreate_v2`.
    fn array_create(&mut self, desc: &ArrayDesc, three_d: bool) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn array_destroy(&mut self, array: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `cuArrayGetDescriptor_v2` (`three_d` false) or `cuArray3DGetDescriptor_v2`.
    fn array_descriptor(&mut self, array: Raw, three_d: bool) -> CuResult<ArrayDesc> {
        Err(NOT_SUPPORTED)
    }
    /// (size, alignment) of `cuArrayGetMemoryRequirements` (or of a
    /// mipmapped array).
    fn array_memory_requirements(&mut self, array: Raw, mipmapped: bool, dev: i32) -> CuResult<(u64, u64)> {
        Err(NOT_SUPPORTED)
    }
    /// `CUDA_ARRAY_SPARSE_PROPERTIES` as its bytes.
    fn array_sparse_properties(&mut self, array: Raw, mipmapped: bool) -> CuResult<[u8; SPARSE_PROPERTIES_SIZE]> {
        Err(NOT_SUPPORTED)
    }
    fn array_plane(&mut self, array: Raw, plane: u32) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn mipmapped_array_create(&mut self, desc: &ArrayDesc, levels: u32) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn mipmapped_array_destroy(&mut self, array: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn mipmapped_array_level(&mut self, array: Raw, level: u32) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    /// A copy with an array side (`ArrayCopy` sides name backend arrays);
    /// `host` is the packed host side, if any.
    fn memcpy_array(&mut self, copy: &ArrayCopy, host: Host2d<'_>, stream: Option<Raw>) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `cuTexObjectCreate`: resource (backend arrays), texture descriptor,
    /// optional view descriptor -> the object's value.
    fn tex_object_create(
        &mut self,
        res: Resource,
        flags: u32,
        tex: &[u8; TEXTURE_DESC_SIZE],
        view: Option<&[u8; VIEW_DESC_SIZE]>,
    ) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn tex_object_destroy(&mut self, obj: u64) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn tex_object_resource(&mut self, obj: u64) -> CuResult<(Resource, u32)> {
        Err(NOT_SUPPORTED)
    }
    fn tex_object_texture_desc(&mut self, obj: u64) -> CuResult<[u8; TEXTURE_DESC_SIZE]> {
        Err(NOT_SUPPORTED)
    }
    fn tex_object_view_desc(&mut self, obj: u64) -> CuResult<[u8; VIEW_DESC_SIZE]> {
        Err(NOT_SUPPORTED)
    }
    fn surf_object_create(&mut self, res: Resource, flags: u32) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn surf_object_destroy(&mut self, obj: u64) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn surf_object_resource(&mut self, obj: u64) -> CuResult<(Resource, u32)> {
        Err(NOT_SUPPORTED)
    }

    /// The raw value of pointer attribute `attrib` of device pointer `ptr`
    /// (`value_size` bytes; a context comes back as the backend's handle).
    fn pointer_attribute(&mut self, attrib: u32, ptr: u64) -> CuResult<Vec<u8>> {
        Err(NOT_SUPPORTED)
    }

    // Virtual memory management (native only).
    fn mem_granularity(&mut self, prop: MemProp, option: u32) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn mem_create(&mut self, size: u64, prop: MemProp, flags: u64) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn mem_properties(&mut self, handle: Raw) -> CuResult<MemProp> {
        let _ = handle;
        Err(CUresult::CUDA_ERROR_NOT_SUPPORTED)
    }
    fn mem_release(&mut self, handle: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn mem_address_reserve(&mut self, size: u64, alignment: u64, addr: u64, flags: u64) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn mem_address_free(&mut self, ptr: u64, size: u64) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn mem_map(&mut self, ptr: u64, size: u64, offset: u64, handle: Raw, flags: u64) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn mem_unmap(&mut self, ptr: u64, size: u64) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `descs`: (location type, location id, access flags).
    fn mem_set_access(&mut self, ptr: u64, size: u64, descs: &[(u32, i32, u32)]) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn mem_get_access(&mut self, location: (u32, i32), ptr: u64) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn mem_retain_handle(&mut self, addr: u64) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }

    // Modules and functions.
    fn module_load_data(&mut self, image: &[u8]) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn module_unload(&mut self, module: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn module_get_function(&mut self, module: Raw, name: &str) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn module_get_global(&mut self, module: Raw, name: &str) -> CuResult<(u64, u64)> {
        Err(NOT_SUPPORTED)
    }
    fn module_function_count(&mut self, module: Raw) -> CuResult<u32> {
        Err(NOT_SUPPORTED)
    }
    /// `cuStreamGetCaptureInfo_v3`.
    /// Maps `size` bytes of host memory at `addr` (page-aligned), reachable
    /// by the device at that same address (mirrored page-locked memory).
    fn mirror_map(&mut self, addr: u64, size: u64) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn mirror_unmap(&mut self, addr: u64, size: u64) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// Writes or reads a mirror's bytes (host memory; no stream order).
    fn mirror_write(&mut self, addr: u64, bytes: &[u8]) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn mirror_read(&mut self, addr: u64, out: &mut [u8]) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// Calls slot `slot` of the driver's export table `uuid` with integer
    /// arguments (pointers among them point at host storage) and answers
    /// its raw return value; the caller allow-lists table, slot and
    /// argument values.
    fn export_table_call(&mut self, uuid: [u8; 16], slot: usize, args: [u64; 6]) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn stream_capture_info(&mut self, stream: Raw) -> CuResult<CaptureInfo> {
        Err(NOT_SUPPORTED)
    }
    /// `cuOccupancyMaxActiveClusters` (or, `potential`,
    /// `cuOccupancyMaxPotentialClusterSize`) for a launch configuration.
    fn cluster_occupancy(&mut self, func: Raw, config: LaunchConfig, potential: bool) -> CuResult<i32> {
        Err(NOT_SUPPORTED)
    }
    /// `cuTensorMapEncodeTiled`: the 128-byte descriptor.
    fn tensor_map_encode_tiled(&mut self, map: &TiledTensorMap) -> CuResult<[u8; 128]> {
        Err(NOT_SUPPORTED)
    }
    /// `cuTensorMapReplaceAddress`.
    fn tensor_map_encode_im2col(&mut self, map: &Im2colTensorMap) -> CuResult<[u8; 128]> {
        Err(NOT_SUPPORTED)
    }
    fn tensor_map_replace_address(&mut self, map: [u8; 128], address: u64) -> CuResult<[u8; 128]> {
        Err(NOT_SUPPORTED)
    }
    /// `cuModuleGetLoadingMode`: 1 eager, 2 lazy.
    fn module_loading_mode(&mut self) -> CuResult<u32> {
        Err(NOT_SUPPORTED)
    }
    fn module_functions(&mut self, module: Raw) -> CuResult<Vec<Raw>> {
        Err(NOT_SUPPORTED)
    }
    fn func_name(&mut self, func: Raw) -> CuResult<String> {
        Err(NOT_SUPPORTED)
    }
    fn func_params(&mut self, func: Raw) -> CuResult<Vec<ParamInfo>> {
        Err(NOT_SUPPORTED)
    }
    fn func_get_attribute(&mut self, attrib: i32, func: Raw) -> CuResult<i32> {
        Err(NOT_SUPPORTED)
    }
    fn func_set_attribute(&mut self, func: Raw, attrib: i32, value: i32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn func_set_cache_config(&mut self, func: Raw, config: i32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// Launches `func`; `args` is the packed argument buffer laid out as
    /// `params` says.
    fn launch_kernel(&mut self, func: Raw, config: LaunchConfig, params: &[ParamInfo], args: &[u8]) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn occupancy_max_active_blocks(&mut self, func: Raw, block: i32, smem: u64, flags: u32) -> CuResult<i32> {
        Err(NOT_SUPPORTED)
    }

    /// (minimum grid size, block size) for full occupancy with a constant
    /// dynamic shared memory size.
    fn occupancy_max_potential_block_size(&mut self, func: Raw, smem: u64, limit: i32, flags: u32) -> CuResult<(i32, i32)> {
        Err(NOT_SUPPORTED)
    }
    fn occupancy_available_dynamic_smem(&mut self, func: Raw, blocks: i32, block: i32) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }

    // Libraries and kernels (context-independent modules and functions).
    fn library_load_data(&mut self, image: &[u8]) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn library_unload(&mut self, library: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn library_get_kernel(&mut self, library: Raw, name: &str) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn library_get_module(&mut self, library: Raw) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn library_get_global(&mut self, library: Raw, name: &str) -> CuResult<(u64, u64)> {
        Err(NOT_SUPPORTED)
    }
    fn library_kernels(&mut self, library: Raw) -> CuResult<Vec<Raw>> {
        Err(NOT_SUPPORTED)
    }
    /// The kernel's function in the current context.
    fn kernel_get_function(&mut self, kernel: Raw) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn kernel_params(&mut self, kernel: Raw) -> CuResult<Vec<ParamInfo>> {
        Err(NOT_SUPPORTED)
    }
    fn kernel_get_attribute(&mut self, attrib: i32, kernel: Raw, dev: i32) -> CuResult<i32> {
        Err(NOT_SUPPORTED)
    }
    fn kernel_set_attribute(&mut self, attrib: i32, value: i32, kernel: Raw, dev: i32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn kernel_name(&mut self, kernel: Raw) -> CuResult<String> {
        Err(NOT_SUPPORTED)
    }

    // Streams.
    fn stream_create(&mut self, flags: u32, priority: i32) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn stream_destroy(&mut self, stream: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn stream_synchronize(&mut self, stream: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn stream_query(&mut self, stream: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn stream_wait_event(&mut self, stream: Raw, event: Raw, flags: u32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn stream_get_priority(&mut self, stream: Raw) -> CuResult<i32> {
        Err(NOT_SUPPORTED)
    }
    fn stream_get_flags(&mut self, stream: Raw) -> CuResult<u32> {
        Err(NOT_SUPPORTED)
    }
    /// `cuLinkCreate`: a JIT link session with plain-valued options (id,
    /// value) and log buffers of the given sizes (0: none).
    fn link_create(&mut self, options: &[(u32, u64)], info_cap: usize, error_cap: usize) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    /// `cuLinkAddData` of an input of `kind` (a `CUjitInputType`).
    fn link_add(&mut self, link: Raw, kind: u32, data: Vec<u8>, name: &str) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `cuLinkComplete`: the linked image.
    fn link_complete(&mut self, link: Raw) -> CuResult<Vec<u8>> {
        Err(NOT_SUPPORTED)
    }
    /// The logs and outputs of a link session now.
    fn link_logs(&mut self, link: Raw) -> CuResult<LinkLogs> {
        Err(NOT_SUPPORTED)
    }
    fn link_destroy(&mut self, link: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `cuStreamGetAttribute`: the 64-byte value.
    fn stream_attribute(&mut self, stream: Raw, id: u32) -> CuResult<[u8; 64]> {
        Err(NOT_SUPPORTED)
    }
    fn stream_set_attribute(&mut self, stream: Raw, id: u32, value: &[u8; 64]) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `cuStreamBatchMemOp_v2` (and the single waits and writes).
    fn stream_mem_ops(&mut self, stream: Raw, ops: &[StreamMemOp], flags: u32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `cuMemPoolSetAccess`: (location type, id, flags) per descriptor.
    fn mem_pool_set_access(&mut self, pool: Raw, descs: &[(u32, i32, u32)]) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `cuMemPoolGetAccess` for a location (type, id).
    fn mem_pool_get_access(&mut self, pool: Raw, location: (u32, i32)) -> CuResult<u32> {
        Err(NOT_SUPPORTED)
    }
    /// `cuDeviceGetGraphMemAttribute` (every attribute is a u64).
    fn device_graph_mem_attribute(&mut self, dev: i32, attr: u32) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    fn device_set_graph_mem_attribute(&mut self, dev: i32, attr: u32, value: u64) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `cuDeviceGetP2PAtomicCapabilities`: one mask per operation.
    fn device_p2p_atomic_capabilities(&mut self, ops: &[u32], src: i32, dst: i32) -> CuResult<Vec<u32>> {
        Err(NOT_SUPPORTED)
    }
    fn kernel_set_cache_config(&mut self, kernel: Raw, config: u32, dev: i32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }

    // Events.
    fn event_create(&mut self, flags: u32) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn event_destroy(&mut self, event: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn event_record(&mut self, event: Raw, stream: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn event_synchronize(&mut self, event: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn event_query(&mut self, event: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn event_elapsed(&mut self, start: Raw, end: Raw) -> CuResult<f32> {
        Err(NOT_SUPPORTED)
    }

    // Interprocess handles (the driver's own; they never reach a guest).
    fn ipc_get_mem_handle(&mut self, ptr: u64) -> CuResult<[u8; 64]> {
        Err(NOT_SUPPORTED)
    }
    /// Maps another process's memory: (pointer, bytes mapped from it).
    fn ipc_open_mem_handle(&mut self, handle: [u8; 64], flags: u32) -> CuResult<(u64, u64)> {
        Err(NOT_SUPPORTED)
    }
    fn ipc_close_mem_handle(&mut self, ptr: u64) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn ipc_get_event_handle(&mut self, event: Raw) -> CuResult<[u8; 64]> {
        Err(NOT_SUPPORTED)
    }
    fn ipc_open_event_handle(&mut self, handle: [u8; 64]) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
}
