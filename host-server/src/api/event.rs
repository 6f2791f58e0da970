//! Events.

use cuvm_wire::{Decoder, Encoder};

use super::stream_raw;
use crate::session::handles::{Entry, Kind};
use crate::session::{HResult, Session, ok};

/// `cuEventCreate`: [flags u32] -> [event id u64].
pub fn create(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = s.backend.event_create(a.u32()?)?;
    let id = s.handles.insert(Entry { kind: Kind::Event, raw, ctx: s.current, parent: 0 });
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuEventDestroy_v2`: [event id u64] -> [].
pub fn destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = s.handles.raw(id, Kind::Event)?;
    s.backend.event_destroy(raw)?;
    s.handles.remove(id, Kind::Event)?;
    super::ipc::forget_event(s, id);
    ok(Encoder::new())
}

/// `cuEventRecord`: [event id u64, stream u64] -> [] (posted).
pub fn record(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (event, stream) = (a.u64()?, a.u64()?);
    let event = s.handles.raw(event, Kind::Event)?;
    let stream = stream_raw(s, stream)?;
    s.backend.event_record(event, stream)?;
    ok(Encoder::new())
}

/// `cuEventSynchronize`: [event id u64] -> []; a synchronising call.
pub fn synchronize(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = s.handles.raw(a.u64()?, Kind::Event)?;
    s.sync_point()?;
    s.backend.event_synchronize(raw)?;
    s.settle_pools();
    ok(Encoder::new())
}

/// `cuEventQuery`: [event id u64] -> [].
pub fn query(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = s.handles.raw(a.u64()?, Kind::Event)?;
    s.backend.event_query(raw)?;
    ok(Encoder::new())
}

/// `cuEventElapsedTime(_v2)`: [start id u64, end id u64] -> [milliseconds f32].
pub fn elapsed(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (start, end) = (a.u64()?, a.u64()?);
    let start = s.handles.raw(start, Kind::Event)?;
    let end = s.handles.raw(end, Kind::Event)?;
    let ms = s.backend.event_elapsed(start, end)?;
    let mut e = Encoder::new();
    e.f32(ms);
    ok(e)
}
