//! Interprocess handles between processes of one VM. The handles the guest
//! sees are cuvm's (see `cuvm_host::ipc`): opaque 64-byte values naming an
//! entry of the VM's registry on the host, never the driver's handles.
//! Memory opened from a handle is device memory to this process until
//! `cuIpcCloseMemHandle` closes its last open.

use cuvm_abi::{CUdeviceptr, CUevent, CUipcEventHandle, CUipcMemHandle, CUresult};
use cuvm_wire::{Encoder, ops};

use crate::remote::{self, call, non_null, protocol};

fn bytes_of(reserved: &[core::ffi::c_char; 64]) -> [u8; 64] {
    reserved.map(core::ffi::c_char::cast_unsigned)
}

fn chars_of(bytes: &[u8]) -> Result<[core::ffi::c_char; 64], CUresult> {
    let b: [u8; 64] = bytes.try_into().map_err(|_| protocol(cuvm_wire::DecodeError::Invalid("handle size")))?;
    Ok(b.map(u8::cast_signed))
}

/// `cuIpcGetMemHandle`.
///
/// # Safety
/// `handle` is null or valid for a write.
pub unsafe fn get_mem_handle(handle: *mut CUipcMemHandle, dptr: CUdeviceptr) -> CUresult {
    remote::done((|| {
        let handle = non_null(handle)?;
        let mut e = Encoder::new();
        e.u64(dptr);
        let r = call(ops::cuIpcGetMemHandle, &e)?;
        let reserved = chars_of(r.decoder().take(64).map_err(protocol)?)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(handle, CUipcMemHandle { reserved }) };
        Ok(())
    })())
}

/// `cuIpcOpenMemHandle(_v2)`.
///
/// # Safety
/// `dptr` is null or valid for a write.
pub unsafe fn open_mem_handle(dptr: *mut CUdeviceptr, handle: CUipcMemHandle, flags: u32) -> CUresult {
    remote::done((|| {
        let dptr = non_null(dptr)?;
        let mut e = Encoder::new();
        e.raw(&bytes_of(&handle.reserved)).u32(flags);
        let r = call(ops::cuIpcOpenMemHandle_v2, &e)?;
        let mut d = r.decoder();
        let (p, len) = (d.u64().map_err(protocol)?, d.u64().map_err(protocol)?);
        crate::memory::note_device_range(p, len);
        // SAFETY: checked non-null.
        unsafe { remote::write(dptr, p) };
        Ok(())
    })())
}

/// `cuIpcCloseMemHandle`.
pub fn close_mem_handle(dptr: CUdeviceptr) -> CUresult {
    remote::done((|| {
        let mut e = Encoder::new();
        e.u64(dptr);
        let unmapped = call(ops::cuIpcCloseMemHandle, &e)?.decoder().u8().map_err(protocol)?;
        if unmapped != 0 {
            crate::memory::forget_device_range(dptr);
        }
        Ok(())
    })())
}

/// `cuIpcGetEventHandle`.
///
/// # Safety
/// `handle` is null or valid for a write.
pub unsafe fn get_event_handle(handle: *mut CUipcEventHandle, event: CUevent) -> CUresult {
    remote::done((|| {
        let handle = non_null(handle)?;
        if event.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
        }
        let mut e = Encoder::new();
        e.u64(event as usize as u64);
        let r = call(ops::cuIpcGetEventHandle, &e)?;
        let reserved = chars_of(r.decoder().take(64).map_err(protocol)?)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(handle, CUipcEventHandle { reserved }) };
        Ok(())
    })())
}

/// `cuIpcOpenEventHandle`.
///
/// # Safety
/// `event` is null or valid for a write.
pub unsafe fn open_event_handle(event: *mut CUevent, handle: CUipcEventHandle) -> CUresult {
    remote::done((|| {
        let event = non_null(event)?;
        let mut e = Encoder::new();
        e.raw(&bytes_of(&handle.reserved));
        let id = call(ops::cuIpcOpenEventHandle, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(event, id as usize as CUevent) };
        Ok(())
    })())
}
