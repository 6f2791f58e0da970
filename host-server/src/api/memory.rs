//! Memory: allocation (charged to the session's quota before the backend
//! allocates), copies and memsets. Every device range is checked against the
//! session's allocations first. Bulk data moves in `Data` frames of at most
//! `frame::CHUNK` bytes, copied chunk by chunk as they arrive or leave.

use cuvm_abi::CUresult;
use cuvm_wire::frame::{self, CHUNK, FrameKind};
use cuvm_wire::{DecodeError, Decoder, Encoder};

use super::stream_raw;
use crate::backend::{Copy2d, Host2d, Memset};
use crate::session::allocations::{Owner, Range};
use crate::session::{Conn, Fail, HResult, Reply, Session, ok, send_bulk, send_reply};

/// `cuMemAlloc_v2`: [size u64] -> [pointer u64].
pub fn alloc(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let size = a.u64()?;
    charged_alloc(s, size, |b| b.mem_alloc(size))
}

/// Charges `size` bytes to the VM, allocates with `alloc` (giving the
/// charge back if it fails), records the range and answers [pointer u64].
pub(crate) fn charged_alloc(
    s: &mut Session,
    size: u64,
    alloc: impl FnOnce(&mut dyn crate::backend::Backend) -> crate::backend::CuResult<u64>,
) -> HResult {
    charge(s, size)?;
    let ptr = alloc(s.backend.as_mut()).inspect_err(|_| s.vm.release(size))?;
    s.allocations.insert(ptr, Range { len: size, ctx: s.current, owner: Owner::Allocation });
    let mut e = Encoder::new();
    e.u64(ptr);
    ok(e)
}

/// Charges the VM before the backend allocates; over the quota the call
/// fails with `CUDA_ERROR_OUT_OF_MEMORY` and nothing else changes.
fn charge(s: &Session, size: u64) -> Result<(), Fail> {
    if s.vm.charge(size) {
        return Ok(());
    }
    log::info!(
        "session {} (vm {:?}): allocation of {size} bytes refused: {} of the quota of {} bytes in use",
        s.id,
        s.vm.name,
        s.vm.used(),
        s.vm.quota.unwrap_or(0)
    );
    Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY.into())
}

/// `cuMemAllocPitch_v2`: [width u64, height u64, element size u32] -> [pointer u64, pitch u64].
pub fn alloc_pitch(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (width, height, elem) = (a.u64()?, a.u64()?, a.u32()?);
    // Charged as the worst case pitch (512-byte rows), then trimmed.
    let worst = width.saturating_add(511).saturating_mul(height);
    charge(s, worst)?;
    let (ptr, pitch) = s.backend.mem_alloc_pitch(width, height, elem).inspect_err(|_| s.vm.release(worst))?;
    let len = pitch.saturating_mul(height);
    if len <= worst {
        s.vm.release(worst - len);
    } else if !s.vm.charge(len - worst) {
        s.vm.release(worst);
        let _ = s.backend.mem_free(ptr);
        return Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY.into());
    }
    s.allocations.insert(ptr, Range { len, ctx: s.current, owner: Owner::Allocation });
    let mut e = Encoder::new();
    e.u64(ptr).u64(pitch);
    ok(e)
}

/// `cuMemFree_v2`: [pointer u64] -> [].
pub fn free(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let ptr = a.u64()?;
    if ptr != 0 {
        match s.allocations.get(ptr) {
            Some(r) if r.owner == Owner::Allocation => {}
            _ => return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into()),
        }
    }
    s.backend.mem_free(ptr)?;
    forget_allocation(s, ptr);
    ok(Encoder::new())
}

/// Forgets an allocation the backend freed: its bytes go back to the VM,
/// or, for a pool allocation, stay charged as memory the pool keeps until
/// the next synchronisation settles it ([`Session::settle_pools`]).
fn forget_allocation(s: &mut Session, ptr: u64) {
    // Handles other sessions were given to it die with it.
    super::ipc::forget_memory(s, ptr);
    s.managed.remove(&ptr);
    if let Some(r) = s.allocations.remove(ptr) {
        if s.pooled.remove(&ptr).is_some() {
            s.pool_retained = s.pool_retained.saturating_add(r.len);
        } else {
            s.vm.release(r.len);
        }
    }
}

/// Refuses a stream-ordered allocation on a capturing stream: it would
/// become a graph-owned allocation, made at each launch, which the VM's
/// quota does not account for: `CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED`
/// (the capture itself goes on; allocate before capturing).
pub(crate) fn refuse_capture(s: &mut Session, stream: crate::backend::Raw) -> Result<(), Fail> {
    const ACTIVE: u32 = 1;
    if s.backend.stream_is_capturing(stream).is_ok_and(|st| st == ACTIVE) {
        log::info!("session {}: a stream-ordered allocation during a capture (a graph-owned allocation) is refused", s.id);
        return Err(CUresult::CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED.into());
    }
    Ok(())
}

/// A stream-ordered allocation of `size` bytes with `alloc`: memory the
/// session's pools keep (already charged) is counted first, the rest is
/// charged as any allocation; the pointer is recorded with its pool
/// (`pool`, or for `None` the one the driver reports).
pub(crate) fn pooled_alloc(
    s: &mut Session,
    size: u64,
    pool: Option<crate::backend::Raw>,
    alloc: impl FnOnce(&mut dyn crate::backend::Backend) -> crate::backend::CuResult<u64>,
) -> HResult {
    let reuse = size.min(s.pool_retained);
    charge(s, size - reuse)?;
    s.pool_retained -= reuse;
    let ptr = match alloc(s.backend.as_mut()) {
        Ok(p) => p,
        Err(e) => {
            s.vm.release(size - reuse);
            s.pool_retained += reuse;
            return Err(e.into());
        }
    };
    s.allocations.insert(ptr, Range { len: size, ctx: s.current, owner: Owner::Allocation });
    // The pool it came from (for `cuMemAllocAsync`, the device's current
    // pool, as the driver reports it).
    let pool = pool.or_else(|| {
        const MEMPOOL_HANDLE: u32 = 17;
        let v = s.backend.pointer_attribute(MEMPOOL_HANDLE, ptr).ok()?;
        Some(u64::from_le_bytes(v.get(..8)?.try_into().ok()?))
    });
    s.pooled.insert(ptr, (size, pool.unwrap_or(0)));
    // What was counted as reused may have been kept by another pool: settle
    // to what the pools really reserve now, and undo the allocation if that
    // puts the VM over its quota.
    s.settle_pools();
    if s.vm.quota.is_some_and(|q| s.vm.used() > q) {
        let _ = s.backend.mem_free(ptr);
        forget_allocation(s, ptr);
        s.settle_pools();
        log::info!("session {}: stream-ordered allocation of {size} bytes refused: the session's pools hold the VM's quota", s.id);
        return Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY.into());
    }
    let mut e = Encoder::new();
    e.u64(ptr);
    ok(e)
}

/// `cuMemGetInfo_v2`: [] -> [free u64, total u64], within the quota.
pub fn get_info(s: &mut Session) -> HResult {
    let (mut free, mut total) = s.backend.mem_get_info()?;
    if let Some(q) = s.vm.quota {
        total = total.min(q);
        free = free.min(q.saturating_sub(s.vm.used()));
    }
    let mut e = Encoder::new();
    e.u64(free).u64(total);
    ok(e)
}

/// `cuMemGetAddressRange_v2`: [pointer u64] -> [base u64, size u64].
pub fn address_range(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let ptr = a.u64()?;
    let (base, range) = s.allocations.containing(ptr).ok_or(CUresult::CUDA_ERROR_NOT_FOUND)?;
    let mut e = Encoder::new();
    e.u64(base).u64(range.len);
    ok(e)
}

/// Reads the next `Data` frame of call `seq`, of at most `max` bytes.
pub(crate) fn read_chunk<'b>(conn: &mut Conn, seq: u64, max: usize, buf: &'b mut Vec<u8>) -> Result<&'b [u8], Fail> {
    let h = frame::read_frame(&mut conn.reader, buf)?;
    if h.kind != FrameKind::Data || h.seq != seq {
        return Err(Fail::Malformed(DecodeError::Invalid("expected a data frame of the same call")));
    }
    if buf.is_empty() || buf.len() > max {
        return Err(Fail::Malformed(DecodeError::Invalid("data frame of the wrong size")));
    }
    Ok(buf.as_slice())
}

/// `cuMemcpyHtoD(_Async)_v2`: [dst u64, size u64, stream u64], then `size`
/// bytes in Data frames -> [].
pub fn htod(s: &mut Session, conn: &mut Conn, seq: u64, a: &mut Decoder<'_>, asynchronous: bool) -> HResult {
    let (dst, size, stream) = (a.u64()?, a.u64()?, a.u64()?);
    a.finish()?;
    // Check everything before touching the data, but always drain it.
    let mut verdict = s.allocations.check(dst, size).map_err(Fail::from);
    let stream = if asynchronous { stream_raw(s, stream).map(Some) } else { Ok(None) };
    if let Err(e) = &stream {
        if verdict.is_ok() {
            verdict = Err(Fail::Cuda(cuda_of(e)));
        }
    }
    if !asynchronous && verdict.is_ok() {
        verdict = s.sync_point();
    }
    let mut remaining = size;
    let mut offset = 0u64;
    let mut buf = Vec::new();
    while remaining > 0 {
        let want = usize::try_from(remaining.min(CHUNK as u64)).unwrap_or(CHUNK);
        let chunk = read_chunk(conn, seq, want, &mut buf)?;
        let n = chunk.len() as u64;
        if verdict.is_ok() {
            let st = stream.as_ref().map(|o| *o).unwrap_or(None);
            if let Err(e) = s.backend.memcpy_htod(dst + offset, chunk, st) {
                verdict = Err(Fail::Cuda(e));
            }
        }
        remaining -= n;
        offset += n;
    }
    verdict?;
    ok(Encoder::new())
}

fn cuda_of(f: &Fail) -> CUresult {
    match f {
        Fail::Cuda(e) => *e,
        _ => CUresult::CUDA_ERROR_INVALID_VALUE,
    }
}

/// `cuMemcpyDtoH(_Async)_v2`: [src u64, size u64, stream u64] -> [] and, on
/// success, Data frames of `[status u32][bytes]`; a non-zero status aborts
/// the transfer with that error. Asynchronous copies complete before the
/// reply (the bytes must be in hand to be sent).
pub fn dtoh(s: &mut Session, conn: &mut Conn, op: u32, seq: u64, a: &mut Decoder<'_>, asynchronous: bool) -> HResult {
    let (src, size, stream) = (a.u64()?, a.u64()?, a.u64()?);
    a.finish()?;
    s.allocations.check(src, size)?;
    let stream = if asynchronous { Some(stream_raw(s, stream)?) } else { None };
    s.sync_point()?;
    let first = usize::try_from(size.min(CHUNK as u64)).unwrap_or(CHUNK);
    let mut buf = vec![0u8; 4 + first];
    s.backend.memcpy_dtoh(&mut buf[4..], src, stream)?;
    send_reply(conn, op, seq, CUresult::CUDA_SUCCESS, &[])?;
    let mut offset = 0u64;
    loop {
        let n = buf.len() - 4;
        frame::write_frame(&mut conn.writer, FrameKind::Data, op, seq, 0, &buf)?;
        offset += n as u64;
        if offset >= size {
            break;
        }
        let next = usize::try_from((size - offset).min(CHUNK as u64)).unwrap_or(CHUNK);
        buf.resize(4 + next, 0);
        if let Err(e) = s.backend.memcpy_dtoh(&mut buf[4..], src + offset, stream) {
            buf.truncate(4);
            buf[..4].copy_from_slice(&e.0.to_le_bytes());
            frame::write_frame(&mut conn.writer, FrameKind::Data, op, seq, 0, &buf)?;
            break;
        }
    }
    std::io::Write::flush(&mut conn.writer).map_err(frame::FrameError::Io)?;
    Ok(Reply::Sent)
}

/// `cuMemcpyDtoD(_Async)_v2`: [dst u64, src u64, size u64, stream u64] -> [].
pub fn dtod(s: &mut Session, a: &mut Decoder<'_>, asynchronous: bool) -> HResult {
    let (dst, src, size, stream) = (a.u64()?, a.u64()?, a.u64()?, a.u64()?);
    s.allocations.check(dst, size)?;
    s.allocations.check(src, size)?;
    let stream = if asynchronous { Some(stream_raw(s, stream)?) } else { None };
    if !asynchronous {
        s.sync_point()?;
    }
    s.backend.memcpy_dtod(dst, src, size, stream)?;
    ok(Encoder::new())
}

/// Every `cuMemsetD*`: [dst u64, pitch u64, value u32, element size u8,
/// width u64, height u64, stream u64] -> []. 1D sets have height 1 and pitch
/// = width * element size.
pub fn memset(s: &mut Session, a: &mut Decoder<'_>, asynchronous: bool) -> HResult {
    let op = Memset { dst: a.u64()?, pitch: a.u64()?, value: a.u32()?, elem_size: a.u8()?, width: a.u64()?, height: a.u64()? };
    let stream = a.u64()?;
    if !matches!(op.elem_size, 1 | 2 | 4) {
        return Err(Fail::Malformed(DecodeError::Invalid("memset element size")));
    }
    check_memset(s, &op)?;
    let stream = if asynchronous { Some(stream_raw(s, stream)?) } else { None };
    s.backend.memset(op, stream)?;
    ok(Encoder::new())
}

/// `cuPointerGetAttribute`: [attribute u32, pointer u64] -> [value bytes].
/// Only pointers into the session's own memory are asked about; a context
/// comes back as the guest's id.
pub fn pointer_attribute(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (attrib, ptr) = (a.u32()?, a.u64()?);
    let size = cuvm_wire::pointer::value_size(attrib).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    let (_, range) = s.allocations.containing(ptr).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    let mut value = s.backend.pointer_attribute(attrib, ptr)?;
    value.resize(size, 0);
    match cuvm_abi::CUpointer_attribute(attrib) {
        cuvm_abi::CUpointer_attribute::CU_POINTER_ATTRIBUTE_CONTEXT => {
            value.copy_from_slice(&range.ctx.to_le_bytes());
        }
        // Pools are not forwarded: no guest-visible handle exists.
        cuvm_abi::CUpointer_attribute::CU_POINTER_ATTRIBUTE_MEMPOOL_HANDLE => value.fill(0),
        _ => {}
    }
    let mut e = Encoder::new();
    e.bytes(&value);
    ok(e)
}

/// The extent in bytes of `height` rows of `width` bytes, `pitch` apart.
fn extent_2d(pitch: u64, width: u64, height: u64) -> Result<u64, Fail> {
    if height == 0 || width == 0 {
        return Ok(0);
    }
    if width > pitch {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    Ok(pitch.checked_mul(height - 1).and_then(|v| v.checked_add(width)).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?)
}

/// The largest packed 2D transfer accepted in one call (the guest splits
/// larger ones).
const MAX_2D_BYTES: u64 = cuvm_wire::array::MAX_PACKED;

/// `cuMemcpy2D(_Async/Unaligned)_v2`: [direction u8 (1 HtoD, 2 DtoH, 3 DtoD),
/// dst u64, dst pitch u64, src u64, src pitch u64, width u64, height u64,
/// stream u64]; HtoD is followed by width × height packed bytes in Data
/// frames, and DtoH answers with them as `dtoh` does.
pub fn memcpy_2d(s: &mut Session, conn: &mut Conn, op: u32, seq: u64, a: &mut Decoder<'_>, asynchronous: bool) -> HResult {
    let direction = a.u8()?;
    let c = Copy2d { dst: a.u64()?, dst_pitch: a.u64()?, src: a.u64()?, src_pitch: a.u64()?, width: a.u64()?, height: a.u64()? };
    let stream = a.u64()?;
    a.finish()?;
    let packed = c.width.checked_mul(c.height).filter(|n| *n <= MAX_2D_BYTES);
    let Some(packed) = packed else {
        return Err(Fail::Malformed(DecodeError::TooLong { len: u64::MAX, max: MAX_2D_BYTES }));
    };
    let mut verdict: Result<(), Fail> = Ok(());
    if direction != 2 {
        verdict = extent_2d(c.dst_pitch, c.width, c.height).and_then(|n| Ok(s.allocations.check(c.dst, n)?));
    }
    if direction != 1 && verdict.is_ok() {
        verdict = extent_2d(c.src_pitch, c.width, c.height).and_then(|n| Ok(s.allocations.check(c.src, n)?));
    }
    let stream = if asynchronous { stream_raw(s, stream).map(Some) } else { Ok(None) };
    let stream = match stream {
        Ok(st) => st,
        Err(e) => {
            if verdict.is_ok() {
                verdict = Err(e);
            }
            None
        }
    };
    if !asynchronous && verdict.is_ok() {
        verdict = s.sync_point();
    }
    match direction {
        1 => {
            let mut rows = Vec::with_capacity(usize::try_from(packed).unwrap_or(0));
            let mut buf = Vec::new();
            while (rows.len() as u64) < packed {
                let want = usize::try_from((packed - rows.len() as u64).min(CHUNK as u64)).unwrap_or(CHUNK);
                rows.extend_from_slice(read_chunk(conn, seq, want, &mut buf)?);
            }
            verdict?;
            s.backend.memcpy_2d(c, Host2d::Source(&rows), stream)?;
            ok(Encoder::new())
        }
        2 => {
            verdict?;
            let mut rows = vec![0u8; usize::try_from(packed).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?];
            s.backend.memcpy_2d(c, Host2d::Destination(&mut rows), stream)?;
            send_bulk(conn, op, seq, &rows)
        }
        3 => {
            verdict?;
            s.backend.memcpy_2d(c, Host2d::None, stream)?;
            ok(Encoder::new())
        }
        _ => Err(Fail::Malformed(DecodeError::Invalid("2D copy direction"))),
    }
}

/// `cuMemAllocAsync(_ptsz)`: [size u64, stream u64] -> [pointer u64]. The VM
/// is charged as for `cuMemAlloc` (memory a pool keeps cached after a free is
/// not counted).
pub fn alloc_async(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (size, stream) = (a.u64()?, a.u64()?);
    let stream = stream_raw(s, stream)?;
    refuse_capture(s, stream)?;
    pooled_alloc(s, size, None, |b| b.mem_alloc_async(size, stream))
}

/// `cuMemFreeAsync(_ptsz)`: [pointer u64, stream u64] -> [].
pub fn free_async(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (ptr, stream) = (a.u64()?, a.u64()?);
    match s.allocations.get(ptr) {
        Some(r) if r.owner == Owner::Allocation => {}
        _ => return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into()),
    }
    let stream = stream_raw(s, stream)?;
    s.backend.mem_free_async(ptr, stream)?;
    forget_allocation(s, ptr);
    ok(Encoder::new())
}

/// Checks the device range a memset writes.
///
/// # Errors
/// `CUDA_ERROR_INVALID_VALUE` for a range outside the session's memory.
pub(crate) fn check_memset(s: &Session, op: &Memset) -> Result<(), Fail> {
    let row = op.width.checked_mul(u64::from(op.elem_size)).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    if op.height > 0 && row > 0 {
        let extent = op.pitch.checked_mul(op.height - 1).and_then(|v| v.checked_add(row)).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        s.allocations.check(op.dst, extent)?;
    }
    Ok(())
}
