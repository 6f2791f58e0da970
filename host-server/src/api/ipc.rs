//! Interprocess handles between the processes of one VM (`cuIpcGetMemHandle`,
//! `cuIpcOpenMemHandle_v2`, `cuIpcCloseMemHandle`, `cuIpcGetEventHandle`,
//! `cuIpcOpenEventHandle`). The driver's handles stay in the VM's registry
//! ([`crate::ipc`]); the guest gets cuvm's 64-byte handle naming an entry.
//! Opening checks the handle against this VM's registry before the driver
//! sees anything; memory opened is recorded in the session's allocations (so
//! that pointer checks accept it) without charging the quota again: the
//! exporting session's VM, which is this VM, already pays for it.

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use crate::ipc::What;
use crate::session::allocations::{Owner, Range};
use crate::session::handles::{Entry, Kind};
use crate::session::{HResult, Session, ok};

fn handle(a: &mut Decoder<'_>) -> Result<[u8; 64], crate::session::Fail> {
    let mut h = [0u8; 64];
    h.copy_from_slice(a.take(64)?);
    Ok(h)
}

fn reply_handle(h: [u8; 64]) -> HResult {
    let mut e = Encoder::new();
    e.raw(&h);
    ok(e)
}

/// `cuIpcGetMemHandle`: [pointer u64] -> [handle, 64 bytes]. Only memory
/// this session allocated (`cuMemAlloc`) can be exported.
pub fn get_mem_handle(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let ptr = a.u64()?;
    let (base, range) =
        s.allocations.containing(ptr).filter(|(_, r)| r.owner == Owner::Allocation).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    let driver = s.backend.ipc_get_mem_handle(ptr)?;
    reply_handle(s.vm.ipc.publish(s.vm.slot(), What::Memory, base, range.len, driver)?)
}

/// `cuIpcOpenMemHandle_v2` (and the legacy entry point): [handle, 64 bytes,
/// flags u32] -> [pointer u64, size u64]. A handle this session exported
/// answers `CUDA_ERROR_INVALID_CONTEXT`, as the driver answers an open in
/// the exporting process.
pub fn open_mem_handle(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (h, flags) = (handle(a)?, a.u32()?);
    let export = s.vm.ipc.lookup(&h, What::Memory)?;
    if export.slot == s.vm.slot() {
        return Err(CUresult::CUDA_ERROR_INVALID_CONTEXT.into());
    }
    let (ptr, mapped) = s.backend.ipc_open_mem_handle(export.driver, flags)?;
    let len = mapped.min(export.len);
    let refs = match s.allocations.get(ptr) {
        Some(Range { owner: Owner::Ipc { refs }, .. }) => refs.saturating_add(1),
        Some(_) => {
            // The driver gave an address this session already owns: never
            // let one range stand for two.
            let _ = s.backend.ipc_close_mem_handle(ptr);
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
        }
        None => 1,
    };
    if len == 0 {
        let _ = s.backend.ipc_close_mem_handle(ptr);
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    // The opening session pays for the mapping as long as it keeps it: the
    // exporter may free its allocation first, and the driver keeps the
    // memory while it is mapped (both sessions are of one VM, so this counts
    // the memory twice while both hold it, never less than once).
    if refs == 1 && !s.vm.charge(len) {
        let _ = s.backend.ipc_close_mem_handle(ptr);
        return Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY.into());
    }
    s.allocations.insert(ptr, Range { len, ctx: s.current, owner: Owner::Ipc { refs } });
    let mut e = Encoder::new();
    e.u64(ptr).u64(len);
    ok(e)
}

/// `cuIpcCloseMemHandle`: [pointer u64] -> [unmapped u8] (1 when the last
/// open was closed and the range is gone).
pub fn close_mem_handle(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let ptr = a.u64()?;
    let Some(range @ Range { owner: Owner::Ipc { refs }, .. }) = s.allocations.get(ptr) else {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    };
    s.backend.ipc_close_mem_handle(ptr)?;
    let unmapped = refs <= 1;
    if unmapped {
        s.allocations.remove(ptr);
        s.vm.release(range.len);
    } else {
        s.allocations.insert(ptr, Range { owner: Owner::Ipc { refs: refs - 1 }, ..range });
    }
    let mut e = Encoder::new();
    e.u8(u8::from(unmapped));
    ok(e)
}

/// `cuIpcGetEventHandle`: [event id u64] -> [handle, 64 bytes]. The driver
/// (or the emulated backend) refuses events not created with
/// `CU_EVENT_INTERPROCESS | CU_EVENT_DISABLE_TIMING`.
pub fn get_event_handle(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = s.handles.raw(id, Kind::Event)?;
    let driver = s.backend.ipc_get_event_handle(raw)?;
    reply_handle(s.vm.ipc.publish(s.vm.slot(), What::Event, id, 0, driver)?)
}

/// `cuIpcOpenEventHandle`: [handle, 64 bytes] -> [event id u64].
pub fn open_event_handle(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let h = handle(a)?;
    let export = s.vm.ipc.lookup(&h, What::Event)?;
    let raw = s.backend.ipc_open_event_handle(export.driver)?;
    let id = s.handles.insert(Entry { kind: Kind::Event, raw, ctx: s.current, parent: 0 });
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// Memory at `ptr` was freed: its exports go.
pub fn forget_memory(s: &Session, ptr: u64) {
    s.vm.ipc.remove(s.vm.slot(), What::Memory, ptr);
}

/// Event `id` was destroyed: its exports go.
pub fn forget_event(s: &Session, id: u64) {
    s.vm.ipc.remove(s.vm.slot(), What::Event, id);
}
