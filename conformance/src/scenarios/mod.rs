//! The scenarios, one module per API area.

mod context;
mod device;
mod export_tables;
mod graphs;
pub mod kernels;
mod link;
mod memory;
pub mod modules;
mod streams;

use std::ptr::null_mut;

use cuvm_abi::{CUcontext, CUresult};

use crate::{Api, Scenario, Transcript, cu};

/// Every scenario.
#[must_use]
pub fn all() -> Vec<Scenario> {
    let mut v = Vec::new();
    v.extend(device::scenarios());
    v.extend(context::scenarios());
    v.extend(memory::scenarios());
    v.extend(streams::scenarios());
    v.extend(modules::scenarios());
    v.extend(kernels::scenarios());
    v.extend(link::scenarios());
    v.extend(export_tables::scenarios());
    v.extend(graphs::scenarios());
    v
}

/// cuInit, device 0, its primary context made current.
///
/// # Errors
/// When any step fails.
pub fn setup(api: &Api, t: &mut Transcript) -> Result<CUcontext, String> {
    t.ok("cuInit(0)", cu!(api.cuInit(0)))?;
    let mut dev = -1;
    t.ok("cuDeviceGet(0)", cu!(api.cuDeviceGet(&mut dev, 0)))?;
    let mut ctx: CUcontext = null_mut();
    t.ok("cuDevicePrimaryCtxRetain", cu!(api.cuDevicePrimaryCtxRetain(&mut ctx, dev)))?;
    t.ok("cuCtxSetCurrent(primary)", cu!(api.cuCtxSetCurrent(ctx)))?;
    Ok(ctx)
}

/// Releases what [`setup`] retained.
///
/// # Errors
/// When the release fails.
pub fn teardown(api: &Api, t: &mut Transcript) -> Result<(), String> {
    t.ok("cuDevicePrimaryCtxRelease(0)", cu!(api.cuDevicePrimaryCtxRelease_v2(0)))
}

/// Deterministic pseudo-random bytes (incompressible enough for tests).
#[must_use]
pub fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Shorthand for an expected result.
pub const OK: CUresult = CUresult::CUDA_SUCCESS;
