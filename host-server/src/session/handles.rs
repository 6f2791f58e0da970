//! Per-session handle table. Guests see ids, never the backend's handles.
//! Ids are never reused within a session (a counter), so a stale handle can
//! never name a newer object; an id of another kind, an unknown id, or one
//! that was destroyed is rejected.

use std::collections::{BTreeMap, HashMap};

use cuvm_abi::CUresult;

use crate::backend::Raw;

/// What a handle names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `CUcontext`.
    Context,
    /// `CUmodule`.
    Module,
    /// `CUfunction`.
    Function,
    /// `CUstream`.
    Stream,
    /// `CUevent`.
    Event,
    /// `CUlibrary` (context-independent).
    Library,
    /// `CUkernel` (context-independent).
    Kernel,
    /// `CUmemoryPool` (a device's default pool).
    Pool,
    /// `CUmemGenericAllocationHandle` (virtual memory management).
    MemHandle,
    /// `CUgraph`.
    Graph,
    /// `CUgraphExec`.
    GraphExec,
    /// `CUgraphNode` (owned by its graph; never destroyed on its own).
    GraphNode,
    /// An object of the driver's tools-context export table (slot 51).
    ToolsObject,
    /// `CUlinkState` (a JIT linker).
    Link,
}

impl Kind {
    /// The error the driver gives for a bad handle of this kind.
    #[must_use]
    pub fn invalid(self) -> CUresult {
        match self {
            Kind::Context => CUresult::CUDA_ERROR_INVALID_CONTEXT,
            _ => CUresult::CUDA_ERROR_INVALID_HANDLE,
        }
    }
}

/// One live object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Its kind.
    pub kind: Kind,
    /// The backend's handle.
    pub raw: Raw,
    /// The context it was created in (0 for contexts themselves).
    pub ctx: u64,
    /// Kind-specific: a function's module id; a primary context's device + 1.
    pub parent: u64,
}

/// First id handed out, and the step between ids: ids look like aligned
/// pointers and never collide with the special stream handles 0, 1 and 2.
const FIRST_ID: u64 = 0x0c0d_a000_0000;
const STEP: u64 = 0x10;

/// The table.
#[derive(Debug)]
pub struct Handles {
    next: u64,
    live: BTreeMap<u64, Entry>,
    /// The live ids of each backend handle, oldest first (lookups by
    /// handle stay cheap in graphs of thousands of nodes).
    by_raw: HashMap<(Kind, Raw), Vec<u64>>,
}

impl Default for Handles {
    fn default() -> Self {
        Handles { next: FIRST_ID, live: BTreeMap::new(), by_raw: HashMap::new() }
    }
}

impl Handles {
    /// Registers an object and returns its new id.
    pub fn insert(&mut self, entry: Entry) -> u64 {
        let id = self.next;
        self.next += STEP;
        self.live.insert(id, entry);
        self.by_raw.entry((entry.kind, entry.raw)).or_default().push(id);
        id
    }

    /// The entry of `id`, if it is a live object of `kind`.
    ///
    /// # Errors
    /// `CUDA_ERROR_INVALID_CONTEXT` for contexts, else
    /// `CUDA_ERROR_INVALID_HANDLE`.
    pub fn get(&self, id: u64, kind: Kind) -> Result<Entry, CUresult> {
        match self.live.get(&id) {
            Some(e) if e.kind == kind => Ok(*e),
            _ => Err(kind.invalid()),
        }
    }

    /// The backend handle of `id`.
    ///
    /// # Errors
    /// As [`Handles::get`].
    pub fn raw(&self, id: u64, kind: Kind) -> Result<Raw, CUresult> {
        self.get(id, kind).map(|e| e.raw)
    }

    /// Forgets `id`.
    ///
    /// # Errors
    /// As [`Handles::get`].
    pub fn remove(&mut self, id: u64, kind: Kind) -> Result<Entry, CUresult> {
        self.get(id, kind)?;
        let e = self.live.remove(&id).ok_or(kind.invalid())?;
        self.unindex(id, &e);
        Ok(e)
    }

    /// Points `id` at a new backend handle (a primary context re-created
    /// after its last release keeps its id, as the driver keeps its handle).
    pub fn set_raw(&mut self, id: u64, raw: Raw) {
        if let Some(e) = self.live.get_mut(&id) {
            let old = *e;
            e.raw = raw;
            self.unindex(id, &old);
            self.by_raw.entry((old.kind, raw)).or_default().push(id);
            if let Some(v) = self.by_raw.get_mut(&(old.kind, raw)) {
                v.sort_unstable();
            }
        }
    }

    /// The id of a live object with `entry`'s kind and backend handle,
    /// registering `entry` if there is none (handles the backend hands out
    /// more than once: default pools, graph nodes, capture graphs).
    pub fn id_for(&mut self, entry: Entry) -> u64 {
        match self.find(entry.kind, entry.raw) {
            Some(id) => id,
            None => self.insert(entry),
        }
    }

    /// Sets `id`'s kind-specific parent word.
    pub fn set_parent(&mut self, id: u64, parent: u64) {
        if let Some(e) = self.live.get_mut(&id) {
            e.parent = parent;
        }
    }

    /// Forgets every object of `kind` whose parent is `parent` (a graph's nodes).
    pub fn remove_children(&mut self, kind: Kind, parent: u64) {
        let ids: Vec<u64> = self.live.iter().filter(|(_, e)| e.kind == kind && e.parent == parent).map(|(id, _)| *id).collect();
        for id in ids {
            if let Some(e) = self.live.remove(&id) {
                self.unindex(id, &e);
            }
        }
    }

    /// Forgets every object created in context `ctx`; returns them.
    pub fn remove_in_context(&mut self, ctx: u64) -> Vec<(u64, Entry)> {
        let ids: Vec<u64> = self.live.iter().filter(|(_, e)| e.ctx == ctx && e.kind != Kind::Context).map(|(id, _)| *id).collect();
        let removed: Vec<(u64, Entry)> = ids.into_iter().filter_map(|id| self.live.remove(&id).map(|e| (id, e))).collect();
        for (id, e) in &removed {
            self.unindex(*id, e);
        }
        removed
    }

    /// The id of a live object with this backend handle and kind.
    #[must_use]
    pub fn find(&self, kind: Kind, raw: Raw) -> Option<u64> {
        self.by_raw.get(&(kind, raw)).and_then(|v| v.first().copied())
    }

    fn unindex(&mut self, id: u64, e: &Entry) {
        if let Some(v) = self.by_raw.get_mut(&(e.kind, e.raw)) {
            v.retain(|i| *i != id);
            if v.is_empty() {
                self.by_raw.remove(&(e.kind, e.raw));
            }
        }
    }

    /// All live objects, newest first (the order to destroy them in).
    #[must_use]
    pub fn newest_first(&self) -> Vec<(u64, Entry)> {
        self.live.iter().rev().map(|(id, e)| (*id, *e)).collect()
    }

    /// How many objects are live.
    #[must_use]
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// Whether none is.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: Kind, raw: Raw) -> Entry {
        Entry { kind, raw, ctx: 0, parent: 0 }
    }

    #[test]
    fn ids_map_to_raw_handles_of_their_kind() {
        let mut h = Handles::default();
        let s = h.insert(entry(Kind::Stream, 0xabc));
        assert_eq!(h.raw(s, Kind::Stream), Ok(0xabc));
        assert_eq!(h.raw(s, Kind::Event), Err(CUresult::CUDA_ERROR_INVALID_HANDLE));
        assert_eq!(h.raw(s, Kind::Context), Err(CUresult::CUDA_ERROR_INVALID_CONTEXT));
    }

    #[test]
    fn destroyed_ids_are_never_reused() {
        let mut h = Handles::default();
        let a = h.insert(entry(Kind::Event, 1));
        h.remove(a, Kind::Event).unwrap();
        let b = h.insert(entry(Kind::Event, 1));
        assert_ne!(a, b);
        assert_eq!(h.raw(a, Kind::Event), Err(CUresult::CUDA_ERROR_INVALID_HANDLE));
    }

    #[test]
    fn unknown_and_special_ids_are_invalid() {
        let h = Handles::default();
        for id in [0, 1, 2, FIRST_ID, u64::MAX] {
            assert_eq!(h.raw(id, Kind::Module), Err(CUresult::CUDA_ERROR_INVALID_HANDLE));
        }
    }
}
