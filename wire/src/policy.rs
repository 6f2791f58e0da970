//! What cuvm reports differently from the GPU underneath, on purpose, so
//! that clients do not rely on what a remote device cannot do. The host
//! applies it; the conformance suite expects it.

use cuvm_abi::CUdevice_attribute as A;

/// Device attributes cuvm-host reports as 0, and why.
pub const ZEROED_ATTRIBUTES: &[(A, &str)] = &[
    (A::CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY, "guest memory cannot be mapped into the host's GPU"),
    (
        A::CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS,
        "the guest's CPU and the device do not share pages: managed memory moves between them at device work and synchronisations, so the CPU must not touch it while kernels run",
    ),
    (A::CU_DEVICE_ATTRIBUTE_PAGEABLE_MEMORY_ACCESS, "the GPU cannot read guest pageable memory"),
    (A::CU_DEVICE_ATTRIBUTE_PAGEABLE_MEMORY_ACCESS_USES_HOST_PAGE_TABLES, "the GPU cannot read guest page tables"),
    (A::CU_DEVICE_ATTRIBUTE_DIRECT_MANAGED_MEM_ACCESS_FROM_HOST, "the guest's CPU reaches managed memory through its own copy, not the device's"),
    (A::CU_DEVICE_ATTRIBUTE_CAN_USE_HOST_POINTER_FOR_REGISTERED_MEM, "registered guest memory is not mapped into the GPU"),
];

/// Whether cuvm reports attribute `attrib` as 0 by design.
#[must_use]
pub fn zeroed_attribute(attrib: i32) -> Option<&'static str> {
    ZEROED_ATTRIBUTES.iter().find(|(a, _)| i64::from(a.0) == i64::from(attrib)).map(|(_, why)| *why)
}
