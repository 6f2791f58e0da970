//! A session: one guest connection. It reads frames, runs each call against
//! its backend with the guest's handles mapped and its device pointers
//! checked, answers synchronous calls, and remembers the first failure of an
//! asynchronous one for the next synchronising call. When the connection
//! ends, for whatever reason, everything the session created is destroyed.

pub mod allocations;
pub mod handles;

use std::collections::HashMap;
use std::io::{BufReader, BufWriter, Write};

use cuvm_abi::CUresult;
use cuvm_wire::frame::{self, FrameError, FrameKind};
use cuvm_wire::hello::{Hello, Welcome};
use cuvm_wire::transport::Stream;
use cuvm_wire::{DecodeError, Decoder, Encoder};

use crate::backend::{Backend, ParamInfo};
use allocations::Allocations;
use handles::{Handles, Kind};

/// Why a call failed.
#[derive(Debug)]
pub enum Fail {
    /// The driver's answer: reported to the guest, the session goes on.
    Cuda(CUresult),
    /// The guest sent something malformed: the session ends.
    Malformed(DecodeError),
    /// The connection broke: the session ends.
    Io(FrameError),
}

impl From<CUresult> for Fail {
    fn from(e: CUresult) -> Self {
        Fail::Cuda(e)
    }
}

impl From<DecodeError> for Fail {
    fn from(e: DecodeError) -> Self {
        Fail::Malformed(e)
    }
}

impl From<FrameError> for Fail {
    fn from(e: FrameError) -> Self {
        Fail::Io(e)
    }
}

/// What a handler produced.
pub enum Reply {
    /// Reply with success and this body.
    Body(Encoder),
    /// The handler already sent its reply (bulk data followed it).
    Sent,
}

/// A handler's result.
pub type HResult = Result<Reply, Fail>;

/// Shorthand for a successful reply body.
pub fn ok(body: Encoder) -> HResult {
    Ok(Reply::Body(body))
}

/// The connection's two halves.
pub struct Conn {
    /// Buffered reads.
    pub reader: BufReader<Stream>,
    /// Buffered writes, flushed after each reply.
    pub writer: BufWriter<Stream>,
}

/// What the host knows about a kernel function.
#[derive(Debug, Clone)]
pub struct FunctionInfo {
    /// Parameter layout (from the backend, at lookup).
    pub params: Vec<ParamInfo>,
    /// Whether `params` is known: a kernel looked up with no context current
    /// learns its layout later (the driver needs a context to tell it).
    pub known: bool,
}

/// One guest connection's state.
pub struct Session {
    /// Session id (for logs).
    pub id: u64,
    /// Who is on the other side (for logs).
    pub peer: String,
    /// What runs the calls.
    pub backend: Box<dyn Backend>,
    /// Guest ids to backend handles.
    pub handles: Handles,
    /// Device memory this session owns.
    pub allocations: Allocations,
    /// Parameter layouts of functions, by function id.
    pub functions: HashMap<u64, FunctionInfo>,
    /// Primary contexts: device -> (context id, retain count, flags). Each
    /// session's "primary context" is a context of its own on the backend,
    /// so that one VM's sticky error or reset never reaches another's.
    pub primary: HashMap<i32, (u64, u32, u32)>,
    /// The context id current on the backend for this session.
    pub current: u64,
    /// The first failure of an asynchronous call, for the next sync point.
    pub deferred: Option<CUresult>,
    /// Whether the guest called cuInit successfully.
    pub initialized: bool,
    /// The VM this session belongs to (shared quota).
    pub vm: std::sync::Arc<crate::vm::Vm>,
    /// Virtual address ranges reserved (`cuMemAddressReserve`): start -> size.
    pub reservations: std::collections::BTreeMap<u64, u64>,
    /// Physical allocations (`cuMemCreate`): handle id -> (size, references).
    pub mem_handles: HashMap<u64, (u64, u32)>,
    /// Mirrored page-locked guest memory: address -> the bytes the guest
    /// last had (to tell which mirrors the device changed).
    pub mirrors: std::collections::BTreeMap<u64, Vec<u8>>,
    /// Live stream-ordered (pool) allocations: pointer -> (bytes, the
    /// backend pool they came from; 0 where the driver did not say).
    pub pooled: HashMap<u64, (u64, crate::backend::Raw)>,
    /// Bytes charged to the VM for memory the session's pools keep beyond
    /// its live pool allocations (freed with `cuMemFreeAsync`, not yet
    /// released to the driver): settled at each synchronisation.
    pub pool_retained: u64,
    /// Created pools destroyed while allocations from them lived: what the
    /// pool reserved then (after a trim), which the driver keeps until the
    /// last of them is freed.
    pub destroyed_pools: HashMap<crate::backend::Raw, u64>,
    /// Linked images of completed JIT link sessions, by link id, until the
    /// guest fetched them.
    pub link_images: HashMap<u64, Vec<u8>>,
    /// Bytes charged for each created (mipmapped) array, by id.
    pub array_charges: HashMap<u64, u64>,
    /// Managed allocations: address -> the bytes the guest last had
    /// (`api::managed`).
    pub managed: std::collections::BTreeMap<u64, Vec<u8>>,
}

/// `CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT`: what a pool holds from the driver.
pub const POOL_RESERVED_MEM_CURRENT: u32 = 5;

/// The largest module image a guest may send.
pub const MAX_MODULE_IMAGE: u64 = 1 << 30;
/// The largest kernel argument buffer (the driver's limit is 32 KiB).
pub const MAX_KERNEL_ARGS: usize = 32 * 1024;
/// The longest name (function, global) a guest may send.
pub const MAX_NAME: usize = 4096;

impl Session {
    /// A new session over `backend`.
    #[must_use]
    pub fn new(id: u64, peer: String, backend: Box<dyn Backend>, vm: std::sync::Arc<crate::vm::Vm>) -> Self {
        Session {
            id,
            peer,
            backend,
            handles: Handles::default(),
            allocations: Allocations::default(),
            functions: HashMap::new(),
            primary: HashMap::new(),
            current: 0,
            deferred: None,
            initialized: false,
            vm,
            reservations: std::collections::BTreeMap::new(),
            mem_handles: HashMap::new(),
            mirrors: std::collections::BTreeMap::new(),
            pooled: HashMap::new(),
            pool_retained: 0,
            destroyed_pools: HashMap::new(),
            link_images: HashMap::new(),
            array_charges: HashMap::new(),
            managed: std::collections::BTreeMap::new(),
        }
    }

    /// Takes the pending asynchronous error, if any (a sync point).
    ///
    /// # Errors
    /// The deferred error.
    pub fn sync_point(&mut self) -> Result<(), Fail> {
        match self.deferred.take() {
            Some(e) => Err(Fail::Cuda(e)),
            None => Ok(()),
        }
    }

    /// Bytes of the session's live allocations from backend pool `pool` (0:
    /// those whose pool the driver did not say).
    #[must_use]
    pub fn pool_live(&self, pool: crate::backend::Raw) -> u64 {
        self.pooled.values().filter(|(_, p)| *p == pool).map(|(n, _)| n).sum()
    }

    /// Settles the charge for memory the session's pools keep: after a
    /// synchronisation (when the driver gives pools' unused memory back to
    /// the system, down to their release thresholds) or a trim, the VM is
    /// charged what the pools still reserve beyond the live pool
    /// allocations — no more (what was released is given back) and no less
    /// (what a pool kept stays charged, even over the quota, so that later
    /// allocations fail).
    pub fn settle_pools(&mut self) {
        let mut pools: Vec<crate::backend::Raw> = self.handles.newest_first().into_iter().filter(|(_, e)| e.kind == Kind::Pool).map(|(_, e)| e.raw).collect();
        let devices = self.backend.device_count().unwrap_or(0);
        for d in 0..devices {
            pools.extend(self.backend.default_mem_pool(d).ok());
            pools.extend(self.backend.device_mem_pool(d).ok());
        }
        pools.sort_unstable();
        pools.dedup();
        // Pool allocations that went with their context are gone.
        let allocations = &self.allocations;
        self.pooled.retain(|p, _| allocations.get(*p).is_some());
        // Per pool: what it reserves beyond its own live allocations. A
        // destroyed pool's live allocations (the driver frees the pool when
        // they are freed) are charged as allocations and take nothing from
        // what the other pools keep.
        let mut now = 0u64;
        for p in &pools {
            let reserved = self.backend.mem_pool_get_attribute(*p, POOL_RESERVED_MEM_CURRENT).unwrap_or(0);
            now = now.saturating_add(reserved.saturating_sub(self.pool_live(*p)));
        }
        // A destroyed pool keeps what it reserved until its last allocation
        // is freed.
        let pooled = &self.pooled;
        self.destroyed_pools.retain(|p, _| pooled.values().any(|(_, pool)| pool == p));
        for (p, reserved) in &self.destroyed_pools {
            now = now.saturating_add(reserved.saturating_sub(self.pool_live(*p)));
        }
        let unknown = self.pool_live(0);
        let now = now.saturating_sub(unknown);
        match now.cmp(&self.pool_retained) {
            std::cmp::Ordering::Less => self.vm.release(self.pool_retained - now),
            std::cmp::Ordering::Greater => self.vm.force_charge(now - self.pool_retained),
            std::cmp::Ordering::Equal => {}
        }
        self.pool_retained = now;
    }

    /// Makes the guest thread's context (`ctx` id, 0 for none) current on
    /// the backend. An id that is not a live context leaves none current, so
    /// that calls needing one fail as the driver would.
    pub(crate) fn enter_context(&mut self, ctx: u64) {
        if ctx == self.current || !self.initialized {
            return;
        }
        let raw = self.handles.raw(ctx, Kind::Context).unwrap_or(0);
        let _ = self.backend.ctx_set_current(raw);
        self.current = if raw == 0 { 0 } else { ctx };
    }

    /// Destroys what lived in context `ctx` (guest id) from the session's
    /// tables; the backend already freed it with the context.
    pub fn forget_context(&mut self, ctx: u64) {
        for (id, e) in self.handles.remove_in_context(ctx) {
            self.functions.remove(&id);
            // Handles other sessions were given to its events die with them.
            if e.kind == Kind::Event {
                self.vm.ipc.remove(self.vm.slot(), crate::ipc::What::Event, id);
            }
            // A link session's host storage goes with its id.
            if e.kind == Kind::Link {
                let _ = self.backend.link_destroy(e.raw);
                self.link_images.remove(&id);
            }
            // Arrays die with their context.
            if let Some(bytes) = self.array_charges.remove(&id) {
                self.vm.release(bytes);
            }
        }
        let freed: u64 = self
            .allocations
            .all()
            .iter()
            .filter(|(_, r)| r.ctx == ctx && matches!(r.owner, allocations::Owner::Allocation | allocations::Owner::Ipc { .. }))
            .map(|(_, r)| r.len)
            .sum();
        self.vm.release(freed);
        for (start, r) in self.allocations.all() {
            if r.ctx == ctx && r.owner == allocations::Owner::Allocation {
                self.vm.ipc.remove(self.vm.slot(), crate::ipc::What::Memory, start);
                self.managed.remove(&start);
            }
        }
        self.allocations.remove_context(ctx);
        if self.current == ctx {
            self.current = 0;
        }
    }

    /// Serves the connection until it closes; then cleans up.
    pub fn serve(mut self, stream: Stream, token: Option<&[u8]>) {
        let writer = match stream.try_clone() {
            Ok(w) => w,
            Err(e) => {
                log::warn!("session {}: cannot split the connection: {e}", self.id);
                return;
            }
        };
        let mut conn = Conn { reader: BufReader::with_capacity(1 << 20, stream), writer: BufWriter::with_capacity(1 << 20, writer) };
        match self.handshake(&mut conn, token) {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                log::warn!("session {} ({}): handshake failed: {e:?}", self.id, self.peer);
                return;
            }
        }
        let end = self.run(&mut conn);
        match end {
            Fail::Io(FrameError::Closed) => {
                log::info!("session {} ({}): guest disconnected", self.id, self.peer)
            }
            Fail::Malformed(e) => {
                log::warn!("session {} ({}): malformed message, ending the session: {e}", self.id, self.peer);
            }
            other => log::warn!("session {} ({}): connection ended: {other:?}", self.id, self.peer),
        }
        self.cleanup();
    }

    fn handshake(&mut self, conn: &mut Conn, token: Option<&[u8]>) -> Result<bool, Fail> {
        let mut body = Vec::new();
        let header = frame::read_frame(&mut conn.reader, &mut body)?;
        if header.kind != FrameKind::Hello {
            return Err(Fail::Malformed(DecodeError::Invalid("first frame is not a hello")));
        }
        let hello = Hello::decode(&body)?;
        let mut refuse = None;
        if hello.version != cuvm_wire::PROTOCOL_VERSION {
            refuse = Some(format!(
                "protocol version {} is not supported (host speaks {}): use a guest library of the same cuvm release",
                hello.version,
                cuvm_wire::PROTOCOL_VERSION
            ));
        } else if let Some(expected) = token {
            if !constant_time_eq(expected, &hello.token) {
                refuse = Some("wrong or missing token: set CUVM_TOKEN in the guest".to_string());
            }
        }
        let welcome = Welcome {
            result: if refuse.is_some() { CUresult::CUDA_ERROR_NOT_PERMITTED.0 } else { 0 },
            version: cuvm_wire::PROTOCOL_VERSION,
            session: self.id,
            driver_version: self.backend.driver_version().unwrap_or(0),
            capabilities: if self.backend.can_launch() { cuvm_wire::hello::CAN_LAUNCH } else { 0 },
            message: refuse.clone().unwrap_or_else(|| format!("cuvm-host ({} backend)", self.backend.name())),
        };
        frame::write_frame(&mut conn.writer, FrameKind::Welcome, 0, header.seq, 0, &welcome.encode())?;
        conn.writer.flush().map_err(FrameError::Io)?;
        if let Some(why) = refuse {
            log::warn!("session {} ({}): refused: {why}", self.id, self.peer);
            return Ok(false);
        }
        log::info!("session {} ({}): guest pid {} connected", self.id, self.peer, hello.pid);
        for (name, value) in &hello.settings {
            // Names are from GUEST_SETTINGS and values checked by the decoder.
            log::info!("session {} ({}): the guest sets {name}={value}", self.id, self.peer);
            // SAFETY: each session runs in a worker process of its own, whose
            // only other thread until the guest's cuInit (which comes later)
            // is the hang-up watchdog, which reads no environment; the
            // driver reads these variables when it initialises.
            unsafe { std::env::set_var(name, value) };
        }
        Ok(true)
    }

    fn run(&mut self, conn: &mut Conn) -> Fail {
        let mut body = Vec::new();
        loop {
            let header = match frame::read_frame(&mut conn.reader, &mut body) {
                Ok(h) => h,
                Err(e) => return Fail::Io(e),
            };
            let synchronous = match header.kind {
                FrameKind::Call => true,
                FrameKind::Post => false,
                _ => return Fail::Malformed(DecodeError::Invalid("unexpected frame kind")),
            };
            self.enter_context(header.ctx);
            let mut args = Decoder::new(&body);
            let outcome = crate::api::dispatch(self, conn, header.op, header.seq, &mut args);
            let result = match outcome {
                Ok(Reply::Body(reply)) => {
                    if let Err(e) = args.finish() {
                        return Fail::Malformed(e);
                    }
                    if synchronous { Some((CUresult::CUDA_SUCCESS, reply)) } else { None }
                }
                Ok(Reply::Sent) => None,
                Err(Fail::Cuda(e)) if synchronous => Some((e, Encoder::new())),
                Err(Fail::Cuda(e)) => {
                    log::debug!("session {}: asynchronous {} failed: {e}", self.id, op_name(header.op));
                    self.deferred.get_or_insert(e);
                    None
                }
                Err(other) => return other,
            };
            if let Some((code, reply)) = result {
                if let Err(e) = send_reply(conn, header.op, header.seq, code, reply.as_slice()) {
                    return Fail::Io(e);
                }
            }
        }
    }

    /// Destroys everything the session created, newest first, and releases
    /// its primary contexts.
    pub fn cleanup(&mut self) {
        if !self.initialized {
            return;
        }
        // Nothing of this session can be opened any more.
        self.vm.ipc.remove_slot(self.vm.slot());
        let objects = self.handles.newest_first();
        let ranges = self.allocations.all();
        // What the pools keep goes with the session's contexts.
        self.vm.release(std::mem::take(&mut self.pool_retained));
        let mut freed = 0u64;
        // Objects and memory inside contexts first, with their context current.
        for (id, e) in &objects {
            if e.kind == Kind::Context {
                continue;
            }
            self.enter_context(e.ctx);
            let _ = match e.kind {
                Kind::Event => self.backend.event_destroy(e.raw),
                Kind::Stream => self.backend.stream_destroy(e.raw),
                // A library's module belongs to the library.
                Kind::Module if e.parent != 0 => Ok(()),
                Kind::Module => self.backend.module_unload(e.raw),
                Kind::Library => self.backend.library_unload(e.raw),
                Kind::Pool if e.parent == crate::api::POOL_CREATED => self.backend.mem_pool_destroy(e.raw),
                Kind::GraphExec => self.backend.graph_exec_destroy(e.raw),
                Kind::Link => self.backend.link_destroy(e.raw),
                // A capture's graph belongs to the driver until the capture
                // ends, a child node's graph to its node.
                Kind::Graph if e.parent != 0 => Ok(()),
                Kind::Graph => self.backend.graph_destroy(e.raw),
                Kind::TexObject => self.backend.tex_object_destroy(e.raw),
                Kind::SurfObject => self.backend.surf_object_destroy(e.raw),
                // Levels and planes belong to their array.
                Kind::Array if e.parent != 0 => Ok(()),
                Kind::Array => self.backend.array_destroy(e.raw),
                Kind::MipmappedArray => self.backend.mipmapped_array_destroy(e.raw),
                _ => Ok(()),
            };
            let _ = id;
        }
        for (start, range) in &ranges {
            match range.owner {
                allocations::Owner::Allocation => {
                    self.enter_context(range.ctx);
                    let _ = self.backend.mem_free(*start);
                    freed += range.len;
                }
                allocations::Owner::Mapping { .. } => {
                    let _ = self.backend.mem_unmap(*start, range.len);
                }
                allocations::Owner::Ipc { refs } => {
                    self.enter_context(range.ctx);
                    for _ in 0..refs {
                        let _ = self.backend.ipc_close_mem_handle(*start);
                    }
                    freed += range.len;
                }
                allocations::Owner::ModuleGlobal { .. } | allocations::Owner::Mirror => {}
            }
        }
        for (id, (size, refs)) in std::mem::take(&mut self.mem_handles) {
            if let Ok(raw) = self.handles.raw(id, Kind::MemHandle) {
                for _ in 0..refs {
                    let _ = self.backend.mem_release(raw);
                }
            }
            freed += size;
        }
        freed += std::mem::take(&mut self.array_charges).values().sum::<u64>();
        for (addr, bytes) in std::mem::take(&mut self.mirrors) {
            let _ = self.backend.mirror_unmap(addr, bytes.len() as u64);
        }
        for (start, size) in std::mem::take(&mut self.reservations) {
            let _ = self.backend.mem_address_free(start, size);
        }
        let _ = self.backend.ctx_set_current(0);
        self.current = 0;
        for (_, e) in &objects {
            if e.kind == Kind::Context && e.raw != 0 {
                let _ = self.backend.ctx_destroy(e.raw);
            }
        }
        self.primary.clear();
        self.vm.release(freed);
        log::info!("session {} ({}): cleaned up {} objects and {} bytes of device memory", self.id, self.peer, objects.len(), freed);
    }
}

/// Sends a reply: result code, then the body.
///
/// # Errors
/// The write error.
pub fn send_reply(conn: &mut Conn, op: u32, seq: u64, code: CUresult, body: &[u8]) -> Result<(), FrameError> {
    let mut payload = Vec::with_capacity(4 + body.len());
    payload.extend_from_slice(&code.0.to_le_bytes());
    payload.extend_from_slice(body);
    frame::write_frame(&mut conn.writer, FrameKind::Reply, op, seq, 0, &payload)?;
    conn.writer.flush().map_err(FrameError::Io)
}

/// Answers call `seq` with success and then `bytes` in Data frames of
/// `[status u32 = 0][bytes]` (how device-to-host data comes back).
///
/// # Errors
/// A connection that cannot be written.
pub fn send_bulk(conn: &mut Conn, op: u32, seq: u64, bytes: &[u8]) -> HResult {
    send_reply(conn, op, seq, CUresult::CUDA_SUCCESS, &[])?;
    for chunk in bytes.chunks(frame::CHUNK) {
        let mut framed = Vec::with_capacity(4 + chunk.len());
        framed.extend_from_slice(&0u32.to_le_bytes());
        framed.extend_from_slice(chunk);
        frame::write_frame(&mut conn.writer, FrameKind::Data, op, seq, 0, &framed)?;
    }
    conn.writer.flush().map_err(FrameError::Io)?;
    Ok(Reply::Sent)
}

/// The name of an op, for logs.
#[must_use]
pub fn op_name(op: u32) -> &'static str {
    cuvm_wire::ops::name_of(op).unwrap_or("unknown op")
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
