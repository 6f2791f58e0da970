//! The JIT linker (`cuLinkCreate_v2`, `cuLinkAddData_v2`, `cuLinkComplete`,
//! `cuLinkDestroy`). The link state lives here, named by a session id. Inputs
//! arrive in Data frames like module images (`cuLinkAddFile` is read in the
//! guest and sent as data: the host never opens a guest's path). Log buffers
//! are the host's own; the guest asks for their text and the option values
//! the driver wrote (`cuvm.linkLogs`) and copies them into its own, and
//! fetches the linked image (`cuvm.linkImage`) to keep until it destroys the
//! link.

use cuvm_abi::{CUjit_option as O, CUresult};
use cuvm_wire::frame::{self, CHUNK, FrameKind};
use cuvm_wire::{DecodeError, Decoder, Encoder};

use super::module::receive_image;
use crate::backend::JitOption;
use crate::session::handles::{Entry, Kind};
use crate::session::{Conn, Fail, HResult, MAX_MODULE_IMAGE, MAX_NAME, Reply, Session, ok, send_reply};

/// Options one call may carry.
pub const MAX_OPTIONS: u32 = 64;

/// The options cuvm forwards: those with plain values, and the log buffers
/// and wall time, which the host replaces with its own storage.
const SUPPORTED: [O; 15] = [
    O::CU_JIT_MAX_REGISTERS,
    O::CU_JIT_THREADS_PER_BLOCK,
    O::CU_JIT_WALL_TIME,
    O::CU_JIT_INFO_LOG_BUFFER,
    O::CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
    O::CU_JIT_ERROR_LOG_BUFFER,
    O::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
    O::CU_JIT_OPTIMIZATION_LEVEL,
    O::CU_JIT_TARGET_FROM_CUCONTEXT,
    O::CU_JIT_TARGET,
    O::CU_JIT_FALLBACK_STRATEGY,
    O::CU_JIT_GENERATE_DEBUG_INFO,
    O::CU_JIT_LOG_VERBOSE,
    O::CU_JIT_GENERATE_LINE_INFO,
    O::CU_JIT_CACHE_MODE,
];

/// Options whose value is a pointer into the caller's memory (outputs);
/// `cuLinkAddData` does not accept them.
const POINTERS: [O; 3] = [O::CU_JIT_WALL_TIME, O::CU_JIT_INFO_LOG_BUFFER, O::CU_JIT_ERROR_LOG_BUFFER];

/// Reads [count u32, (option u32, value u64)*] and checks each option:
/// beyond the enum is `CUDA_ERROR_INVALID_VALUE`, one cuvm does not forward
/// `CUDA_ERROR_NOT_SUPPORTED` (logged), a pointer option in an input's
/// options `CUDA_ERROR_INVALID_VALUE` (the driver does not accept them
/// there). Pointer values are replaced by 0 (the backend has its own).
///
/// # Errors
/// A count over [`MAX_OPTIONS`] is malformed (the guest checks it).
pub fn read_options(a: &mut Decoder<'_>, for_input: bool) -> Result<Result<Vec<JitOption>, CUresult>, Fail> {
    let n = a.u32()?;
    if n > MAX_OPTIONS {
        return Err(Fail::Malformed(DecodeError::TooLong { len: u64::from(n), max: u64::from(MAX_OPTIONS) }));
    }
    let mut out = Vec::with_capacity(n as usize);
    let mut verdict = Ok(());
    for _ in 0..n {
        let (o, v) = (a.u32()?, a.u64()?);
        let opt = O(o);
        if verdict.is_ok() {
            if o >= O::CU_JIT_NUM_OPTIONS.0 || (for_input && POINTERS.contains(&opt)) {
                verdict = Err(CUresult::CUDA_ERROR_INVALID_VALUE);
            } else if !SUPPORTED.contains(&opt) {
                log::warn!("JIT option {o} is not forwarded by cuvm; refusing it with CUDA_ERROR_NOT_SUPPORTED");
                verdict = Err(CUresult::CUDA_ERROR_NOT_SUPPORTED);
            }
        }
        out.push((o, if POINTERS.contains(&opt) { 0 } else { v }));
    }
    Ok(verdict.map(|()| out))
}

/// `cuLinkCreate_v2`: [options] -> [link id u64].
pub fn create(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let options = read_options(a, false)??;
    let raw = s.backend.link_create(&options)?;
    let id = s.handles.insert(Entry { kind: Kind::Link, raw, ctx: s.current, parent: 0 });
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuLinkAddData_v2` (and `cuLinkAddFile_v2`, read in the guest): [link id
/// u64, input type u32, name str, options, size u64], then the input in Data
/// frames -> [count u32, the options' values after the call u64*].
pub fn add_data(s: &mut Session, conn: &mut Conn, seq: u64, a: &mut Decoder<'_>) -> HResult {
    let (link, kind, name) = (a.u64()?, a.u32()?, a.str(MAX_NAME)?.to_string());
    let options = read_options(a, true)?;
    let size = a.u64()?;
    a.finish()?;
    // The data follows whatever the verdict: read it first.
    let data = receive_image(conn, seq, size)?;
    let options = options?;
    let raw = s.handles.raw(link, Kind::Link)?;
    let values = s.backend.link_add_data(raw, kind, &data, &name, &options)?;
    let mut e = Encoder::new();
    e.u32(u32::try_from(values.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for v in values {
        e.u64(v);
    }
    ok(e)
}

/// `cuLinkComplete`: [link id u64] -> [image size u64]; the image waits for
/// `cuvm.linkImage`.
pub fn complete(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let link = a.u64()?;
    let raw = s.handles.raw(link, Kind::Link)?;
    let image = s.backend.link_complete(raw)?;
    if image.is_empty() || image.len() as u64 > MAX_MODULE_IMAGE {
        return Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY.into());
    }
    let mut e = Encoder::new();
    e.u64(image.len() as u64);
    s.link_image = Some((link, image));
    ok(e)
}

/// `cuvm.linkImage`: [link id u64, size u64] -> [], then the image of the
/// link's last completion in Data frames of [status u32][bytes].
pub fn image(s: &mut Session, conn: &mut Conn, op: u32, seq: u64, a: &mut Decoder<'_>) -> HResult {
    let (link, size) = (a.u64()?, a.u64()?);
    a.finish()?;
    s.handles.raw(link, Kind::Link)?;
    let image = match s.link_image.take() {
        Some((id, image)) if id == link && image.len() as u64 == size => image,
        other => {
            s.link_image = other;
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
        }
    };
    send_reply(conn, op, seq, CUresult::CUDA_SUCCESS, &[])?;
    let mut buf = Vec::with_capacity(4 + CHUNK);
    for chunk in image.chunks(CHUNK) {
        buf.clear();
        buf.extend_from_slice(&0u32.to_le_bytes());
        buf.extend_from_slice(chunk);
        frame::write_frame(&mut conn.writer, FrameKind::Data, op, seq, 0, &buf)?;
    }
    std::io::Write::flush(&mut conn.writer).map_err(frame::FrameError::Io)?;
    Ok(Reply::Sent)
}

/// `cuvm.linkLogs`: [link id u64] -> [info bytes, error bytes, count u32,
/// the creation options' values u64*].
pub fn logs(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = s.handles.raw(a.u64()?, Kind::Link)?;
    let logs = s.backend.link_logs(raw)?;
    let cap = |b: &[u8]| b[..b.len().min(crate::backend::MAX_JIT_LOG as usize)].to_vec();
    let mut e = Encoder::new();
    e.bytes(&cap(&logs.info)).bytes(&cap(&logs.error));
    e.u32(u32::try_from(logs.values.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for v in logs.values {
        e.u64(v);
    }
    ok(e)
}

/// `cuLinkDestroy`: [link id u64] -> [].
pub fn destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = s.handles.raw(id, Kind::Link)?;
    s.backend.link_destroy(raw)?;
    s.handles.remove(id, Kind::Link)?;
    if s.link_image.as_ref().is_some_and(|(l, _)| *l == id) {
        s.link_image = None;
    }
    ok(Encoder::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(list: &[(u32, u64)]) -> Vec<u8> {
        let mut e = Encoder::new();
        e.u32(list.len() as u32);
        for (o, v) in list {
            e.u32(*o).u64(*v);
        }
        e.as_slice().to_vec()
    }

    fn read(list: &[(u32, u64)], for_input: bool) -> Result<Vec<JitOption>, CUresult> {
        let body = options(list);
        read_options(&mut Decoder::new(&body), for_input).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN).and_then(|r| r)
    }

    #[test]
    fn pointer_values_never_reach_the_backend() {
        let got = read(&[(3, 0xdead_beef), (4, 4096), (2, 0x1234), (7, 3)], false).unwrap();
        assert_eq!(got, [(3, 0), (4, 4096), (2, 0), (7, 3)]);
    }

    #[test]
    fn unknown_unforwarded_and_misplaced_options_are_refused() {
        assert_eq!(read(&[(35, 0)], false), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert_eq!(read(&[(u32::MAX, 0)], false), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert_eq!(read(&[(O::CU_JIT_LTO.0, 1)], false), Err(CUresult::CUDA_ERROR_NOT_SUPPORTED));
        assert_eq!(read(&[(O::CU_JIT_INFO_LOG_BUFFER.0, 1)], true), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert!(read(&[(O::CU_JIT_OPTIMIZATION_LEVEL.0, 4)], true).is_ok());
    }

    #[test]
    fn too_many_options_end_the_session() {
        let mut e = Encoder::new();
        e.u32(MAX_OPTIONS + 1);
        assert!(matches!(read_options(&mut Decoder::new(e.as_slice()), false), Err(Fail::Malformed(_))));
    }
}
