//! The emulated device's fixed facts: name, UUID and attributes (shaped like
//! a small Hopper part), limits and function attributes.

use cuvm_abi::{CUdevice_attribute, CUfunction_attribute, CUlimit};

/// The device's name.
pub const NAME: &str = "cuvm emulated GPU";
/// The device's UUID.
pub const UUID: [u8; 16] = *b"cuvm-emulated-00";

/// The value of a device attribute; `None` for values outside the enum.
#[must_use]
pub fn attribute(attrib: i32) -> Option<i32> {
    let a = CUdevice_attribute(u32::try_from(attrib).ok()?);
    if a.0 == 0 || a.0 >= CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX.0 {
        return None;
    }
    Some(match a {
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK => 1024,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X | CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y => 1024,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z => 64,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X => i32::MAX,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y | CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z => 65535,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK => 49152,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY => 65536,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_WARP_SIZE => 32,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_PITCH => i32::MAX,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK => 65536,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_CLOCK_RATE => 1_755_000,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_TEXTURE_ALIGNMENT => 512,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT => 4,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_CONCURRENT_KERNELS => 1,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR => 9,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR => 0,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR => 2048,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING => 1,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH => 5120,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE => 50 << 20,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT => 2,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR => 233_472,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN => 232_448,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR => 65536,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR => 32,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE => 2_619_000,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_STREAM_PRIORITIES_SUPPORTED => 1,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_COOPERATIVE_LAUNCH => 1,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID | CUdevice_attribute::CU_DEVICE_ATTRIBUTE_PCI_BUS_ID => 0,
        // Managed memory moves between the guest and the device at device
        // work and synchronisations (no concurrent access); mapped host
        // memory does not exist on a remote device.
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY => 1,
        CUdevice_attribute::CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY | CUdevice_attribute::CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS => 0,
        _ => 0,
    })
}

/// The default of a context limit; `None` for an unknown limit.
#[must_use]
pub fn default_limit(limit: i32) -> Option<u64> {
    let l = CUlimit(u32::try_from(limit).ok()?);
    Some(match l {
        CUlimit::CU_LIMIT_STACK_SIZE => 1024,
        CUlimit::CU_LIMIT_PRINTF_FIFO_SIZE => 1 << 20,
        CUlimit::CU_LIMIT_MALLOC_HEAP_SIZE => 8 << 20,
        CUlimit::CU_LIMIT_DEV_RUNTIME_SYNC_DEPTH => 2,
        CUlimit::CU_LIMIT_DEV_RUNTIME_PENDING_LAUNCH_COUNT => 2048,
        CUlimit::CU_LIMIT_MAX_L2_FETCH_GRANULARITY => 32,
        CUlimit::CU_LIMIT_PERSISTING_L2_CACHE_SIZE => 0,
        _ => return None,
    })
}

/// The default of a function attribute; `None` for an unknown attribute.
#[must_use]
pub fn function_attribute(attrib: i32) -> Option<i32> {
    let a = CUfunction_attribute(u32::try_from(attrib).ok()?);
    if a.0 >= CUfunction_attribute::CU_FUNC_ATTRIBUTE_MAX.0 {
        return None;
    }
    Some(match a {
        CUfunction_attribute::CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK => 1024,
        CUfunction_attribute::CU_FUNC_ATTRIBUTE_NUM_REGS => 16,
        CUfunction_attribute::CU_FUNC_ATTRIBUTE_PTX_VERSION | CUfunction_attribute::CU_FUNC_ATTRIBUTE_BINARY_VERSION => 90,
        CUfunction_attribute::CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES => 49152,
        _ => 0,
    })
}
