//! Devices. Total memory is reported as the session's quota where it is
//! smaller than the card.

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use crate::session::{HResult, Session, ok};

/// `cuDeviceGetCount`: [] -> [count i32].
pub fn count(s: &mut Session) -> HResult {
    let n = s.backend.device_count()?;
    let mut e = Encoder::new();
    e.i32(n);
    ok(e)
}

/// `cuDeviceGet`: [ordinal i32] -> [device i32].
pub fn get(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let d = s.backend.device_get(a.i32()?)?;
    let mut e = Encoder::new();
    e.i32(d);
    ok(e)
}

/// `cuDeviceGetName`: [device i32] -> [name str].
pub fn name(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let n = s.backend.device_name(a.i32()?)?;
    let mut e = Encoder::new();
    e.str(&n);
    ok(e)
}

/// `cuDeviceGetUuid(_v2)`: [device i32] -> [16 bytes].
pub fn uuid(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let u = s.backend.device_uuid(a.i32()?)?;
    let mut e = Encoder::new();
    e.raw(&u);
    ok(e)
}

/// `cuDeviceTotalMem_v2`: [device i32] -> [bytes u64].
pub fn total_mem(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let total = s.backend.device_total_mem(a.i32()?)?;
    let mut e = Encoder::new();
    e.u64(s.vm.quota.map_or(total, |q| q.min(total)));
    ok(e)
}

/// `cuDeviceGetAttribute`: [attribute i32, device i32] -> [value i32]; the
/// attributes of `cuvm_wire::policy::ZEROED_ATTRIBUTES` read 0.
pub fn attribute(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (attrib, dev) = (a.i32()?, a.i32()?);
    let mut v = s.backend.device_attribute(attrib, dev)?;
    if cuvm_wire::policy::zeroed_attribute(attrib).is_some() {
        v = 0;
    }
    let mut e = Encoder::new();
    e.i32(v);
    ok(e)
}

/// `cuDeviceGetPCIBusId`: [device i32] -> [id str].
pub fn pci_bus_id(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = s.backend.device_pci_bus_id(a.i32()?)?;
    let mut e = Encoder::new();
    e.str(&id);
    ok(e)
}

/// `cuDeviceCanAccessPeer`: [device i32, peer i32] -> [can i32].
pub fn can_access_peer(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (d, p) = (a.i32()?, a.i32()?);
    let v = s.backend.device_can_access_peer(d, p)?;
    let mut e = Encoder::new();
    e.i32(v);
    ok(e)
}

/// `cuDeviceGetP2PAttribute`: [attribute i32, src i32, dst i32] -> [value i32].
pub fn p2p_attribute(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (attrib, src, dst) = (a.i32()?, a.i32()?, a.i32()?);
    let v = s.backend.device_p2p_attribute(attrib, src, dst)?;
    let mut e = Encoder::new();
    e.i32(v);
    ok(e)
}

/// `cuDeviceGetGraphMemAttribute` / `cuDeviceSetGraphMemAttribute` (`set`):
/// [device i32, attribute u32, (set) value u64] -> [(get) value u64]. The
/// session's worker is its own process, so the figures are the session's.
pub fn graph_mem_attribute(s: &mut Session, a: &mut Decoder<'_>, set: bool) -> HResult {
    let (dev, attr) = (a.i32()?, a.u32()?);
    let mut e = Encoder::new();
    if set {
        let v = a.u64()?;
        s.backend.device_set_graph_mem_attribute(dev, attr, v)?;
    } else {
        let v = s.backend.device_graph_mem_attribute(dev, attr)?;
        e.u64(v);
    }
    ok(e)
}

/// Most operations asked about in one atomic-capabilities call.
const MAX_ATOMIC_OPS: u32 = 64;

/// `cuDeviceGetP2PAtomicCapabilities`: [count u32, operations u32*, source
/// device i32, destination device i32] -> [capability mask u32 per operation].
pub fn p2p_atomic_capabilities(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let n = a.u32()?;
    if n == 0 || n > MAX_ATOMIC_OPS {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let ops: Vec<u32> = (0..n).map(|_| a.u32()).collect::<Result<_, _>>()?;
    let (src, dst) = (a.i32()?, a.i32()?);
    let caps = s.backend.device_p2p_atomic_capabilities(&ops, src, dst)?;
    let mut e = Encoder::new();
    for c in caps {
        e.u32(c);
    }
    ok(e)
}
