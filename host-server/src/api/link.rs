//! The JIT linker: link sessions live on the host (session ids); inputs
//! arrive as data (the guest reads files itself); logs go back to the guest
//! after each input and at completion; the linked image is fetched by the
//! guest, which keeps it until the session is destroyed.

use cuvm_abi::CUresult;
use cuvm_wire::{DecodeError, Decoder, Encoder};

use crate::backend::LinkLogs;
use crate::session::handles::{Entry, Kind};
use crate::session::{Conn, Fail, HResult, MAX_NAME, Session, ok, send_bulk};

/// JIT options a link session carries as plain values: max registers 0,
/// threads per block 1, wall time 2 (an output), optimization level 7,
/// target from context 8, target 9, fallback 10, debug info 11, verbose
/// log 12, line info 13, cache mode 14. Log buffers are the host's own.
const PLAIN_OPTIONS: [u32; 11] = [0, 1, 2, 7, 8, 9, 10, 11, 12, 13, 14];
/// Most options in one session.
const MAX_OPTIONS: u32 = 32;
/// Largest log buffer the host keeps per session.
const MAX_LOG: u32 = 1 << 20;
/// Most link sessions a guest session keeps at once.
const MAX_LINKS: usize = 64;

fn put_logs(e: &mut Encoder, code: CUresult, l: &LinkLogs) {
    e.u32(code.0).bytes(&l.info).bytes(&l.error).u32(l.wall_ms.to_bits()).u32(l.threads);
}

fn link(s: &Session, id: u64) -> Result<crate::backend::Raw, Fail> {
    Ok(s.handles.raw(id, Kind::Link).map_err(|_| CUresult::CUDA_ERROR_INVALID_HANDLE)?)
}

/// `cuLinkCreate_v2`: [count u32, (option u32, value u64)*, info log size
/// u32, error log size u32] -> [link id u64].
pub fn create(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let n = a.u32()?;
    if n > MAX_OPTIONS {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let mut options = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let (o, v) = (a.u32()?, a.u64()?);
        if !PLAIN_OPTIONS.contains(&o) {
            return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED.into());
        }
        options.push((o, v));
    }
    let (info, error) = (a.u32()?, a.u32()?);
    if info > MAX_LOG || error > MAX_LOG {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    if s.handles.newest_first().iter().filter(|(_, e)| e.kind == Kind::Link).count() >= MAX_LINKS {
        log::info!("session {}: more than {MAX_LINKS} JIT link sessions at once are refused", s.id);
        return Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY.into());
    }
    let raw = s.backend.link_create(&options, info as usize, error as usize)?;
    let id = s.handles.insert(Entry { kind: Kind::Link, raw, ctx: s.current, parent: 0 });
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuLinkAddData_v2` (and `AddFile`, read by the guest): [link id u64,
/// input type u32, name str, size u64], then the input in Data frames ->
/// [result u32, info log, error log, wall time f32 bits, threads u32].
pub fn add(s: &mut Session, conn: &mut Conn, seq: u64, a: &mut Decoder<'_>) -> HResult {
    let (id, kind) = (a.u64()?, a.u32()?);
    let name = a.str(MAX_NAME)?.to_owned();
    let size = a.u64()?;
    a.finish()?;
    let data = super::module::receive_image(conn, seq, size)?;
    let raw = link(s, id)?;
    let code = match s.backend.link_add(raw, kind, data, &name) {
        Ok(()) => CUresult::CUDA_SUCCESS,
        Err(e) => e,
    };
    let logs = s.backend.link_logs(raw)?;
    let mut e = Encoder::new();
    put_logs(&mut e, code, &logs);
    ok(e)
}

/// `cuLinkComplete`: [link id u64] -> [result u32, info log, error log,
/// wall time f32 bits, threads u32, image size u64]; the image is then
/// fetched with `cuvm.linkImage`.
pub fn complete(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = link(s, id)?;
    let (code, size) = match s.backend.link_complete(raw) {
        Ok(image) => {
            let n = image.len() as u64;
            s.link_images.insert(id, image);
            (CUresult::CUDA_SUCCESS, n)
        }
        Err(e) => (e, 0),
    };
    let logs = s.backend.link_logs(raw)?;
    let mut e = Encoder::new();
    put_logs(&mut e, code, &logs);
    e.u64(size);
    ok(e)
}

/// `cuvm.linkImage`: [link id u64] -> the completed image in Data frames
/// (each led by a 4-byte status, as device-to-host copies).
pub fn image(s: &mut Session, conn: &mut Conn, op: u32, seq: u64, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    a.finish()?;
    let image = s.link_images.remove(&id).ok_or(Fail::Malformed(DecodeError::Invalid("no linked image to fetch")))?;
    send_bulk(conn, op, seq, &image)
}

/// `cuLinkDestroy`: [link id u64] -> [].
pub fn destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = link(s, id)?;
    s.backend.link_destroy(raw)?;
    s.handles.remove(id, Kind::Link)?;
    s.link_images.remove(&id);
    ok(Encoder::new())
}
