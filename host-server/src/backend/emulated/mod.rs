//! The emulated backend: a software GPU in host memory, for CI and demos on
//! machines without a GPU. Devices, contexts, memory, copies, memsets,
//! streams, events and modules (PTX) behave with the driver's semantics and
//! error codes; work completes at once, in order. Kernels cannot run:
//! launches answer `CUDA_ERROR_NOT_SUPPORTED` (logged once).

mod array;
mod device;
mod graph;
pub mod image;
mod ipc;
pub mod ptx;

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use cuvm_abi::CUresult;

use super::{
    ArrayCopy, ArrayDesc, Backend, Copy2d, Copy3d, CuResult, GraphNode, Host2d, LaunchConfig, Memset, ParamInfo, Raw, Resource, Side3d,
    TEXTURE_DESC_SIZE, VIEW_DESC_SIZE,
};

/// Device memory the emulated GPU has, unless configured otherwise.
pub const DEFAULT_TOTAL_MEMORY: u64 = 8 << 30;
/// Where device addresses start (they look like a real GPU's).
const ADDRESS_BASE: u64 = 0x7f00_0000_0000;
/// Allocation granularity, as cuMemAlloc aligns.
const ALIGN: u64 = 512;

struct Context {
    device: i32,
    flags: u32,
}

struct Module {
    ptx: ptx::Module,
    globals: Vec<(String, u64, u64)>,
}

struct Function {
    module: Raw,
    name: String,
    params: Vec<ParamInfo>,
    attributes: HashMap<i32, i32>,
}

struct Stream {
    flags: u32,
    priority: i32,
}

struct Event {
    flags: u32,
    recorded: Option<Instant>,
}

/// The software GPU.
pub struct Emulated {
    initialized: bool,
    total_memory: u64,
    next_raw: Raw,
    contexts: HashMap<Raw, Context>,
    primary: HashMap<i32, (Raw, u32, u32)>,
    current: Raw,
    memory: BTreeMap<u64, Vec<u8>>,
    next_address: u64,
    used: u64,
    modules: HashMap<Raw, Module>,
    functions: HashMap<Raw, Function>,
    streams: HashMap<Raw, Stream>,
    events: HashMap<Raw, Event>,
    limits: HashMap<i32, u64>,
    cache_config: i32,
    warned_launch: bool,
    pool_attributes: HashMap<(Raw, u32), u64>,
    g: graph::State,
    /// Created pools, and the device's current pool.
    pools: std::collections::HashSet<Raw>,
    current_pool: Raw,
    /// Live pool allocations: pointer -> (pool, bytes).
    pooled: HashMap<u64, (Raw, u64)>,
    /// Bytes each pool keeps after frees, given back at synchronisations
    /// down to the pool's release threshold (as the driver's pools do).
    kept: HashMap<Raw, u64>,
    /// JIT link sessions: their inputs.
    links: HashMap<Raw, Vec<Vec<u8>>>,
    /// CUDA arrays, texture and surface objects.
    a: array::State,
}

/// The emulated device's one memory pool.
const EMULATED_POOL: Raw = 0x9001;

impl Emulated {
    /// Bytes of live allocations from `pool`.
    fn pool_live(&self, pool: Raw) -> u64 {
        self.pooled.values().filter(|(p, _)| *p == pool).map(|(_, n)| n).sum()
    }

    /// A stream-ordered allocation from `pool`: what the pool keeps is used first.
    fn pool_alloc(&mut self, pool: Raw, size: u64) -> CuResult<u64> {
        let ptr = self.alloc_raw(size)?;
        self.pooled.insert(ptr, (pool, size));
        if let Some(k) = self.kept.get_mut(&pool) {
            *k = k.saturating_sub(size);
        }
        Ok(ptr)
    }

    /// A synchronisation: pools give back what they keep beyond their
    /// release thresholds (attribute 4, default 0).
    fn release_pools(&mut self) {
        const RELEASE_THRESHOLD: u32 = 4;
        let attrs = &self.pool_attributes;
        for (pool, k) in &mut self.kept {
            *k = (*k).min(attrs.get(&(*pool, RELEASE_THRESHOLD)).copied().unwrap_or(0));
        }
    }

    /// A fresh emulated GPU with `total_memory` bytes of device memory.
    #[must_use]
    pub fn new(total_memory: u64) -> Self {
        Emulated {
            initialized: false,
            total_memory,
            next_raw: 0x1000,
            contexts: HashMap::new(),
            primary: HashMap::new(),
            current: 0,
            memory: BTreeMap::new(),
            next_address: ADDRESS_BASE,
            used: 0,
            modules: HashMap::new(),
            functions: HashMap::new(),
            streams: HashMap::new(),
            events: HashMap::new(),
            limits: HashMap::new(),
            cache_config: 0,
            warned_launch: false,
            pool_attributes: HashMap::new(),
            g: graph::State::default(),
            pools: std::collections::HashSet::new(),
            current_pool: EMULATED_POOL,
            pooled: HashMap::new(),
            kept: HashMap::new(),
            links: HashMap::new(),
            a: array::State::default(),
        }
    }

    fn raw(&mut self) -> Raw {
        self.next_raw += 0x10;
        self.next_raw
    }

    fn ready(&self) -> CuResult<()> {
        if self.initialized { Ok(()) } else { Err(CUresult::CUDA_ERROR_NOT_INITIALIZED) }
    }

    fn device(&self, dev: i32) -> CuResult<()> {
        self.ready()?;
        if dev == 0 { Ok(()) } else { Err(CUresult::CUDA_ERROR_INVALID_DEVICE) }
    }

    fn context(&self) -> CuResult<()> {
        self.ready()?;
        if self.contexts.contains_key(&self.current) { Ok(()) } else { Err(CUresult::CUDA_ERROR_INVALID_CONTEXT) }
    }

    fn stream(&self, stream: Raw) -> CuResult<()> {
        if super::SPECIAL_STREAMS.contains(&stream) || self.streams.contains_key(&stream) {
            Ok(())
        } else {
            Err(CUresult::CUDA_ERROR_INVALID_HANDLE)
        }
    }

    /// The allocation holding `[ptr, ptr+len)` and the offset of `ptr` in it.
    fn region(&mut self, ptr: u64, len: u64) -> CuResult<(&mut Vec<u8>, usize)> {
        let (&base, buf) = self.memory.range_mut(..=ptr).next_back().ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let offset = ptr - base;
        let end = offset.checked_add(len).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        if end > buf.len() as u64 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        // offset < buf.len() <= usize::MAX, checked just above.
        Ok((buf, usize::try_from(offset).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?))
    }

    /// Allocates device memory, context or not (module globals).
    fn alloc_raw(&mut self, size: u64) -> CuResult<u64> {
        if size == 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let rounded = size.checked_next_multiple_of(ALIGN).ok_or(CUresult::CUDA_ERROR_OUT_OF_MEMORY)?;
        if self.used.saturating_add(rounded) > self.total_memory {
            return Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY);
        }
        let len = Self::to_usize(size).map_err(|_| CUresult::CUDA_ERROR_OUT_OF_MEMORY)?;
        let mut buf = Vec::new();
        buf.try_reserve_exact(len).map_err(|_| CUresult::CUDA_ERROR_OUT_OF_MEMORY)?;
        buf.resize(len, 0);
        let address = self.next_address;
        // Leave a gap so that an overrun never lands in the next allocation.
        self.next_address += rounded + ALIGN;
        self.used += rounded;
        self.memory.insert(address, buf);
        Ok(address)
    }

    /// Copies `size` bytes between device allocations, now.
    fn copy_device(&mut self, dst: u64, src: u64, size: u64) -> CuResult<()> {
        let len = Self::to_usize(size)?;
        let mut tmp = vec![0u8; len];
        {
            let (buf, at) = self.region(src, size)?;
            tmp.copy_from_slice(&buf[at..at + len]);
        }
        let (buf, at) = self.region(dst, size)?;
        buf[at..at + len].copy_from_slice(&tmp);
        Ok(())
    }

    /// Performs a memset now.
    fn fill(&mut self, op: Memset) -> CuResult<()> {
        let elem = usize::from(op.elem_size);
        let row_bytes = op.width.checked_mul(u64::from(op.elem_size)).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        if op.height > 1 && row_bytes > op.pitch {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let pattern = op.value.to_le_bytes();
        for row in 0..op.height {
            let start = op.pitch.checked_mul(row).and_then(|o| o.checked_add(op.dst));
            let start = start.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
            let (buf, at) = self.region(start, row_bytes)?;
            for chunk in buf[at..at + Self::to_usize(row_bytes)?].chunks_exact_mut(elem) {
                chunk.copy_from_slice(&pattern[..elem]);
            }
        }
        Ok(())
    }

    /// Records an event now.
    fn stamp(&mut self, event: Raw) -> CuResult<()> {
        let e = self.events.get_mut(&event).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        e.recorded = Some(Instant::now());
        Ok(())
    }

    fn to_usize(v: u64) -> CuResult<usize> {
        usize::try_from(v).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)
    }
}

impl Backend for Emulated {
    fn name(&self) -> &'static str {
        "emulated"
    }

    fn can_launch(&self) -> bool {
        false
    }

    fn driver_version(&self) -> CuResult<i32> {
        Ok(cuvm_abi::IMPLEMENTED_CUDA_VERSION)
    }

    fn init(&mut self, flags: u32) -> CuResult<()> {
        if flags != 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        self.initialized = true;
        Ok(())
    }

    fn device_count(&mut self) -> CuResult<i32> {
        self.ready()?;
        Ok(1)
    }

    fn device_get(&mut self, ordinal: i32) -> CuResult<i32> {
        self.device(ordinal)?;
        Ok(ordinal)
    }

    fn device_name(&mut self, dev: i32) -> CuResult<String> {
        self.device(dev)?;
        Ok(device::NAME.to_string())
    }

    fn device_uuid(&mut self, dev: i32) -> CuResult<[u8; 16]> {
        self.device(dev)?;
        Ok(device::UUID)
    }

    fn device_total_mem(&mut self, dev: i32) -> CuResult<u64> {
        self.device(dev)?;
        Ok(self.total_memory)
    }

    fn device_attribute(&mut self, attrib: i32, dev: i32) -> CuResult<i32> {
        self.device(dev)?;
        device::attribute(attrib).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    fn device_pci_bus_id(&mut self, dev: i32) -> CuResult<String> {
        self.device(dev)?;
        Ok("00000000:00:00.0".to_string())
    }

    fn device_can_access_peer(&mut self, dev: i32, peer: i32) -> CuResult<i32> {
        self.device(dev)?;
        self.device(peer)?;
        Ok(0)
    }

    fn primary_ctx_retain(&mut self, dev: i32) -> CuResult<Raw> {
        self.device(dev)?;
        if let Some(entry) = self.primary.get_mut(&dev) {
            entry.1 += 1;
            return Ok(entry.0);
        }
        let raw = self.raw();
        self.contexts.insert(raw, Context { device: dev, flags: 0 });
        self.primary.insert(dev, (raw, 1, 0));
        Ok(raw)
    }

    fn primary_ctx_release(&mut self, dev: i32) -> CuResult<()> {
        self.device(dev)?;
        let entry = self.primary.get_mut(&dev).ok_or(CUresult::CUDA_ERROR_INVALID_CONTEXT)?;
        entry.1 -= 1;
        if entry.1 == 0 {
            let raw = entry.0;
            self.primary.remove(&dev);
            self.contexts.remove(&raw);
            if self.current == raw {
                self.current = 0;
            }
        }
        Ok(())
    }

    fn primary_ctx_set_flags(&mut self, dev: i32, flags: u32) -> CuResult<()> {
        self.device(dev)?;
        if flags & !0x1f != 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        if let Some(entry) = self.primary.get_mut(&dev) {
            entry.2 = flags;
        }
        Ok(())
    }

    fn primary_ctx_state(&mut self, dev: i32) -> CuResult<(u32, bool)> {
        self.device(dev)?;
        Ok(self.primary.get(&dev).map_or((0, false), |e| (e.2, true)))
    }

    fn primary_ctx_reset(&mut self, dev: i32) -> CuResult<()> {
        self.device(dev)?;
        Ok(())
    }

    fn ctx_create(&mut self, flags: u32, dev: i32) -> CuResult<Raw> {
        self.device(dev)?;
        let raw = self.raw();
        self.contexts.insert(raw, Context { device: dev, flags });
        self.current = raw;
        Ok(raw)
    }

    fn ctx_destroy(&mut self, ctx: Raw) -> CuResult<()> {
        self.ready()?;
        self.contexts.remove(&ctx).ok_or(CUresult::CUDA_ERROR_INVALID_CONTEXT)?;
        if self.current == ctx {
            self.current = 0;
        }
        Ok(())
    }

    fn ctx_set_current(&mut self, ctx: Raw) -> CuResult<()> {
        self.ready()?;
        if ctx != 0 && !self.contexts.contains_key(&ctx) {
            return Err(CUresult::CUDA_ERROR_INVALID_CONTEXT);
        }
        self.current = ctx;
        Ok(())
    }

    fn ctx_synchronize(&mut self) -> CuResult<()> {
        self.context()?;
        self.release_pools();
        Ok(())
    }

    fn ctx_get_limit(&mut self, limit: i32) -> CuResult<u64> {
        self.context()?;
        device::default_limit(limit).map(|d| *self.limits.get(&limit).unwrap_or(&d)).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    fn ctx_set_limit(&mut self, limit: i32, value: u64) -> CuResult<()> {
        self.context()?;
        device::default_limit(limit).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        self.limits.insert(limit, value);
        Ok(())
    }

    fn ctx_get_cache_config(&mut self) -> CuResult<i32> {
        self.context()?;
        Ok(self.cache_config)
    }

    fn ctx_set_cache_config(&mut self, config: i32) -> CuResult<()> {
        self.context()?;
        if !(0..=3).contains(&config) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        self.cache_config = config;
        Ok(())
    }

    fn ctx_stream_priority_range(&mut self) -> CuResult<(i32, i32)> {
        self.context()?;
        Ok((0, -5))
    }

    fn ctx_get_flags(&mut self) -> CuResult<u32> {
        self.context()?;
        Ok(self.contexts.get(&self.current).map_or(0, |c| c.flags))
    }

    fn ctx_api_version(&mut self, ctx: Raw) -> CuResult<u32> {
        self.ready()?;
        let ctx = if ctx == 0 { self.current } else { ctx };
        let c = self.contexts.get(&ctx).ok_or(CUresult::CUDA_ERROR_INVALID_CONTEXT)?;
        let _ = c.device;
        Ok(3020)
    }

    fn mem_alloc(&mut self, size: u64) -> CuResult<u64> {
        self.context()?;
        self.alloc_raw(size)
    }

    fn mem_alloc_managed(&mut self, size: u64, _flags: u32) -> CuResult<u64> {
        // Emulated memory is the worker's: managed or not, the same; on a
        // page of its own, as the guest maps its copy at the address.
        self.context()?;
        self.next_address = self.next_address.checked_next_multiple_of(1 << 16).ok_or(CUresult::CUDA_ERROR_OUT_OF_MEMORY)?;
        let p = self.alloc_raw(size)?;
        self.next_address = self.next_address.checked_next_multiple_of(1 << 16).ok_or(CUresult::CUDA_ERROR_OUT_OF_MEMORY)?;
        Ok(p)
    }

    fn mem_alloc_pitch(&mut self, width: u64, height: u64, elem_size: u32) -> CuResult<(u64, u64)> {
        self.context()?;
        if width == 0 || height == 0 || !matches!(elem_size, 4 | 8 | 16) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let pitch = width.checked_next_multiple_of(ALIGN).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let size = pitch.checked_mul(height).ok_or(CUresult::CUDA_ERROR_OUT_OF_MEMORY)?;
        Ok((self.mem_alloc(size)?, pitch))
    }

    fn mem_free(&mut self, ptr: u64) -> CuResult<()> {
        self.context()?;
        if ptr == 0 {
            return Ok(());
        }
        let buf = self.memory.remove(&ptr).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        self.used -= (buf.len() as u64).next_multiple_of(ALIGN);
        if let Some((pool, len)) = self.pooled.remove(&ptr) {
            // A destroyed pool keeps nothing: it goes with its last allocation.
            if pool == EMULATED_POOL || self.pools.contains(&pool) {
                *self.kept.entry(pool).or_default() += len;
            }
        }
        Ok(())
    }

    fn mem_get_info(&mut self) -> CuResult<(u64, u64)> {
        self.context()?;
        Ok((self.total_memory - self.used, self.total_memory))
    }

    fn mem_alloc_async(&mut self, size: u64, stream: Raw) -> CuResult<u64> {
        self.context()?;
        self.stream(stream)?;
        // Allocation nodes are not emulated.
        self.not_capturable(Some(stream))?;
        let pool = self.current_pool;
        self.pool_alloc(pool, size)
    }

    fn mem_free_async(&mut self, ptr: u64, stream: Raw) -> CuResult<()> {
        self.stream(stream)?;
        self.not_capturable(Some(stream))?;
        self.mem_free(ptr)
    }

    fn default_mem_pool(&mut self, dev: i32) -> CuResult<Raw> {
        self.device(dev)?;
        Ok(EMULATED_POOL)
    }

    fn mem_pool_create(&mut self, dev: i32, _max_size: u64) -> CuResult<Raw> {
        self.device(dev)?;
        let raw = self.raw();
        self.pools.insert(raw);
        Ok(raw)
    }

    fn mem_pool_destroy(&mut self, pool: Raw) -> CuResult<()> {
        self.ready()?;
        if !self.pools.remove(&pool) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        self.kept.remove(&pool);
        if self.current_pool == pool {
            self.current_pool = EMULATED_POOL;
        }
        Ok(())
    }

    fn mem_alloc_from_pool(&mut self, size: u64, pool: Raw, stream: Raw) -> CuResult<u64> {
        if pool != EMULATED_POOL && !self.pools.contains(&pool) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        self.context()?;
        self.stream(stream)?;
        self.not_capturable(Some(stream))?;
        self.pool_alloc(pool, size)
    }

    fn device_mem_pool(&mut self, dev: i32) -> CuResult<Raw> {
        self.device(dev)?;
        Ok(self.current_pool)
    }

    fn device_set_mem_pool(&mut self, dev: i32, pool: Raw) -> CuResult<()> {
        self.device(dev)?;
        if pool != EMULATED_POOL && !self.pools.contains(&pool) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        self.current_pool = pool;
        Ok(())
    }

    fn mem_pool_trim(&mut self, pool: Raw, keep: u64) -> CuResult<()> {
        if pool != EMULATED_POOL && !self.pools.contains(&pool) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        if let Some(k) = self.kept.get_mut(&pool) {
            *k = (*k).min(keep);
        }
        Ok(())
    }

    fn mem_pool_get_attribute(&mut self, pool: Raw, attr: u32) -> CuResult<u64> {
        if pool != EMULATED_POOL && !self.pools.contains(&pool) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        cuvm_wire::pointer::pool_attribute_size(attr).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        use cuvm_abi::CUmemPool_attribute as A;
        Ok(match A(attr) {
            A::CU_MEMPOOL_ATTR_USED_MEM_CURRENT => self.pool_live(pool),
            A::CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT => self.pool_live(pool) + self.kept.get(&pool).copied().unwrap_or(0),
            _ => self.pool_attributes.get(&(pool, attr)).copied().unwrap_or(0),
        })
    }

    fn mem_pool_set_attribute(&mut self, pool: Raw, attr: u32, value: u64) -> CuResult<()> {
        if pool != EMULATED_POOL && !self.pools.contains(&pool) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        cuvm_wire::pointer::pool_attribute_size(attr).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        self.pool_attributes.insert((pool, attr), value);
        Ok(())
    }

    fn link_create(&mut self, _options: &[(u32, u64)], _info_cap: usize, _error_cap: usize) -> CuResult<Raw> {
        self.context()?;
        let raw = self.raw();
        self.links.insert(raw, Vec::new());
        Ok(raw)
    }

    fn link_add(&mut self, link: Raw, _kind: u32, data: Vec<u8>, _name: &str) -> CuResult<()> {
        let inputs = self.links.get_mut(&link).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        if !inputs.is_empty() {
            log::warn!("the emulated backend cannot link several inputs: CUDA_ERROR_NOT_SUPPORTED");
            return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED);
        }
        inputs.push(data);
        Ok(())
    }

    /// There is no linker here: a session of exactly one input links to
    /// that input (which the emulated module loader takes as it would).
    fn link_complete(&mut self, link: Raw) -> CuResult<Vec<u8>> {
        match self.links.get(&link).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(CUresult::CUDA_ERROR_INVALID_VALUE),
            _ => {
                log::warn!("the emulated backend cannot link several inputs: CUDA_ERROR_NOT_SUPPORTED");
                Err(CUresult::CUDA_ERROR_NOT_SUPPORTED)
            }
        }
    }

    fn link_logs(&mut self, link: Raw) -> CuResult<crate::backend::LinkLogs> {
        self.links.get(&link).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        Ok(crate::backend::LinkLogs::default())
    }

    fn link_destroy(&mut self, link: Raw) -> CuResult<()> {
        self.links.remove(&link).map(|_| ()).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)
    }

    fn stream_mem_ops(&mut self, stream: Raw, ops: &[crate::backend::StreamMemOp], _flags: u32) -> CuResult<()> {
        use cuvm_abi::CUstreamBatchMemOpType as T;
        self.context()?;
        self.stream(stream)?;
        self.not_capturable(Some(stream))?;
        for op in ops {
            let kind = T(op.kind);
            let width: usize = match kind {
                T::CU_STREAM_MEM_OP_WAIT_VALUE_32 | T::CU_STREAM_MEM_OP_WRITE_VALUE_32 => 4,
                T::CU_STREAM_MEM_OP_WAIT_VALUE_64 | T::CU_STREAM_MEM_OP_WRITE_VALUE_64 => 8,
                T::CU_STREAM_MEM_OP_BARRIER | T::CU_STREAM_MEM_OP_FLUSH_REMOTE_WRITES => continue,
                _ => return Err(CUresult::CUDA_ERROR_INVALID_VALUE),
            };
            if op.addr % width as u64 != 0 {
                return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
            }
            let (buf, at) = self.region(op.addr, width as u64)?;
            let word = &mut buf[at..at + width];
            if kind == T::CU_STREAM_MEM_OP_WRITE_VALUE_32 || kind == T::CU_STREAM_MEM_OP_WRITE_VALUE_64 {
                word.copy_from_slice(&op.value.to_le_bytes()[..width]);
                continue;
            }
            let mut b = [0u8; 8];
            b[..width].copy_from_slice(word);
            let (have, want) = (u64::from_le_bytes(b), if width == 4 { op.value & 0xffff_ffff } else { op.value });
            // CU_STREAM_WAIT_VALUE_GEQ 0 (32-bit: cyclic), EQ 1, AND 2, NOR 3; bit 30 is FLUSH.
            let met = match op.flags & 3 {
                0 if width == 4 => (have as u32).wrapping_sub(want as u32) as i32 >= 0,
                0 => have >= want,
                1 => have == want,
                2 => have & want != 0,
                _ => !(have | want) & if width == 4 { 0xffff_ffff } else { u64::MAX } != 0,
            };
            if !met {
                // Work here runs when it is posted, in order: nothing could
                // write the word later while this stream waits.
                log::warn!("the emulated backend cannot wait for a value that is not there yet: CUDA_ERROR_NOT_SUPPORTED");
                return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED);
            }
        }
        Ok(())
    }

    fn memcpy_htod(&mut self, dst: u64, src: &[u8], stream: Option<Raw>) -> CuResult<()> {
        self.context()?;
        if let Some(s) = stream {
            self.stream(s)?;
        }
        // The guest's bytes are not kept for replays (as with the native backend).
        self.not_capturable(stream)?;
        let (buf, at) = self.region(dst, src.len() as u64)?;
        buf[at..at + src.len()].copy_from_slice(src);
        Ok(())
    }

    fn memcpy_dtoh(&mut self, dst: &mut [u8], src: u64, stream: Option<Raw>) -> CuResult<()> {
        self.context()?;
        if let Some(s) = stream {
            self.stream(s)?;
        }
        self.not_capturable(stream)?;
        let len = dst.len();
        let (buf, at) = self.region(src, len as u64)?;
        dst.copy_from_slice(&buf[at..at + len]);
        Ok(())
    }

    fn memcpy_dtod(&mut self, dst: u64, src: u64, size: u64, stream: Option<Raw>) -> CuResult<()> {
        self.context()?;
        if let Some(s) = stream {
            self.stream(s)?;
        }
        let side = |ptr| Side3d { ptr, pitch: size, height: 1, pos: [0; 3] };
        if self.capture(stream, GraphNode::Memcpy(Copy3d { src: side(src), dst: side(dst), extent: [size, 1, 1] }))? {
            return Ok(());
        }
        self.copy_device(dst, src, size)
    }

    fn memcpy_2d(&mut self, c: Copy2d, host: Host2d<'_>, stream: Option<Raw>) -> CuResult<()> {
        self.context()?;
        if let Some(s) = stream {
            self.stream(s)?;
        }
        if matches!(host, Host2d::None) {
            let side = |ptr, pitch| Side3d { ptr, pitch, height: c.height, pos: [0; 3] };
            let copy = Copy3d { src: side(c.src, c.src_pitch), dst: side(c.dst, c.dst_pitch), extent: [c.width, c.height, 1] };
            if self.capture(stream, GraphNode::Memcpy(copy))? {
                return Ok(());
            }
        } else {
            self.not_capturable(stream)?;
        }
        let w = Self::to_usize(c.width)?;
        let mut host = host;
        for row in 0..c.height {
            let r = Self::to_usize(row)?;
            let at =
                |base: u64, pitch: u64| pitch.checked_mul(row).and_then(|o| o.checked_add(base)).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE);
            match &mut host {
                Host2d::Source(rows) => {
                    let src = rows.get(r * w..r * w + w).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?.to_vec();
                    self.memcpy_htod(at(c.dst, c.dst_pitch)?, &src, None)?;
                }
                Host2d::Destination(rows) => {
                    let dst = rows.get_mut(r * w..r * w + w).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
                    self.memcpy_dtoh(dst, at(c.src, c.src_pitch)?, None)?;
                }
                Host2d::None => self.copy_device(at(c.dst, c.dst_pitch)?, at(c.src, c.src_pitch)?, c.width)?,
            }
        }
        Ok(())
    }

    fn memset(&mut self, op: Memset, stream: Option<Raw>) -> CuResult<()> {
        self.context()?;
        if let Some(s) = stream {
            self.stream(s)?;
        }
        if self.capture(stream, GraphNode::Memset(op))? {
            return Ok(());
        }
        self.fill(op)
    }

    fn array_create(&mut self, desc: &ArrayDesc, three_d: bool) -> CuResult<Raw> {
        self.array_create_impl(desc, three_d)
    }

    fn array_destroy(&mut self, array: Raw) -> CuResult<()> {
        self.array_destroy_impl(array)
    }

    fn array_descriptor(&mut self, array: Raw, three_d: bool) -> CuResult<ArrayDesc> {
        self.array_descriptor_impl(array, three_d)
    }

    /// Only arrays made for deferred mapping have requirements, and the
    /// emulated GPU makes none.
    fn array_memory_requirements(&mut self, _array: Raw, _mipmapped: bool, _dev: i32) -> CuResult<(u64, u64)> {
        self.ready()?;
        Err(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    /// Only sparse arrays have sparse properties, and the emulated GPU
    /// makes none.
    fn array_sparse_properties(&mut self, _array: Raw, _mipmapped: bool) -> CuResult<[u8; super::SPARSE_PROPERTIES_SIZE]> {
        self.ready()?;
        Err(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    /// No emulated format is multi-planar.
    fn array_plane(&mut self, _array: Raw, _plane: u32) -> CuResult<Raw> {
        self.ready()?;
        Err(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    fn mipmapped_array_create(&mut self, desc: &ArrayDesc, levels: u32) -> CuResult<Raw> {
        self.mipmapped_create_impl(desc, levels)
    }

    fn mipmapped_array_destroy(&mut self, array: Raw) -> CuResult<()> {
        self.mipmapped_destroy_impl(array)
    }

    fn mipmapped_array_level(&mut self, array: Raw, level: u32) -> CuResult<Raw> {
        self.mipmapped_level_impl(array, level)
    }

    fn memcpy_array(&mut self, copy: &ArrayCopy, host: Host2d<'_>, stream: Option<Raw>) -> CuResult<()> {
        self.memcpy_array_impl(copy, host, stream)
    }

    fn tex_object_create(
        &mut self,
        res: Resource,
        flags: u32,
        tex: &[u8; TEXTURE_DESC_SIZE],
        view: Option<&[u8; VIEW_DESC_SIZE]>,
    ) -> CuResult<u64> {
        self.object_create(res, flags, Some((*tex, view.copied())))
    }

    fn tex_object_destroy(&mut self, obj: u64) -> CuResult<()> {
        self.object_destroy(obj, true)
    }

    fn tex_object_resource(&mut self, obj: u64) -> CuResult<(Resource, u32)> {
        self.object(obj, true).map(|o| (o.res, o.flags))
    }

    fn tex_object_texture_desc(&mut self, obj: u64) -> CuResult<[u8; TEXTURE_DESC_SIZE]> {
        self.object(obj, true)?.tex.map(|t| t.0).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    /// The view the texture was made with (one made without: the
    /// driver's default view is not emulated, `CUDA_ERROR_INVALID_VALUE`).
    fn tex_object_view_desc(&mut self, obj: u64) -> CuResult<[u8; VIEW_DESC_SIZE]> {
        self.object(obj, true)?.tex.and_then(|t| t.1).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    fn surf_object_create(&mut self, res: Resource, flags: u32) -> CuResult<u64> {
        self.object_create(res, flags, None)
    }

    fn surf_object_destroy(&mut self, obj: u64) -> CuResult<()> {
        self.object_destroy(obj, false)
    }

    fn surf_object_resource(&mut self, obj: u64) -> CuResult<(Resource, u32)> {
        self.object(obj, false).map(|o| (o.res, o.flags))
    }

    fn pointer_attribute(&mut self, attrib: u32, ptr: u64) -> CuResult<Vec<u8>> {
        use cuvm_abi::CUpointer_attribute as P;
        self.ready()?;
        let (&base, buf) = self.memory.range(..=ptr).next_back().ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let len = buf.len() as u64;
        if ptr - base >= len {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let v: u64 = match P(attrib) {
            P::CU_POINTER_ATTRIBUTE_CONTEXT => self.current,
            P::CU_POINTER_ATTRIBUTE_MEMORY_TYPE => 2,
            P::CU_POINTER_ATTRIBUTE_DEVICE_POINTER => ptr,
            P::CU_POINTER_ATTRIBUTE_BUFFER_ID | P::CU_POINTER_ATTRIBUTE_MEMORY_BLOCK_ID => base,
            P::CU_POINTER_ATTRIBUTE_RANGE_START_ADDR | P::CU_POINTER_ATTRIBUTE_MAPPING_BASE_ADDR => base,
            P::CU_POINTER_ATTRIBUTE_RANGE_SIZE | P::CU_POINTER_ATTRIBUTE_MAPPING_SIZE => len,
            P::CU_POINTER_ATTRIBUTE_MAPPED | P::CU_POINTER_ATTRIBUTE_IS_LEGACY_CUDA_IPC_CAPABLE => 1,
            P::CU_POINTER_ATTRIBUTE_ACCESS_FLAGS => 3,
            P::CU_POINTER_ATTRIBUTE_MEMPOOL_HANDLE => self.pooled.get(&base).map_or(0, |(pool, _)| *pool),
            P::CU_POINTER_ATTRIBUTE_HOST_POINTER => return Err(CUresult::CUDA_ERROR_INVALID_VALUE),
            _ => 0,
        };
        let size = cuvm_wire::pointer::value_size(attrib).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut out = v.to_le_bytes().to_vec();
        out.resize(size, 0);
        Ok(out)
    }

    fn module_load_data(&mut self, image: &[u8]) -> CuResult<Raw> {
        self.ready()?;
        let parsed = image::parse(image).map_err(|e| {
            log::info!("emulated backend: module image rejected: {e}");
            CUresult::CUDA_ERROR_INVALID_IMAGE
        })?;
        let mut globals = Vec::new();
        for g in &parsed.globals {
            let ptr = self.alloc_raw(g.size.max(1))?;
            globals.push((g.name.clone(), ptr, g.size));
        }
        let raw = self.raw();
        self.modules.insert(raw, Module { ptx: parsed, globals });
        Ok(raw)
    }

    fn module_unload(&mut self, module: Raw) -> CuResult<()> {
        self.ready()?;
        let m = self.modules.remove(&module).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        for (_, ptr, _) in m.globals {
            self.memory.remove(&ptr);
        }
        self.functions.retain(|_, f| f.module != module);
        Ok(())
    }

    fn module_get_function(&mut self, module: Raw, name: &str) -> CuResult<Raw> {
        self.ready()?;
        let m = self.modules.get(&module).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        let entry = m.ptx.entries.iter().find(|e| e.name == name).ok_or(CUresult::CUDA_ERROR_NOT_FOUND)?.clone();
        if let Some((raw, _)) = self.functions.iter().find(|(_, f)| f.module == module && f.name == name) {
            return Ok(*raw);
        }
        let raw = self.raw();
        self.functions.insert(raw, Function { module, name: entry.name, params: entry.params, attributes: HashMap::new() });
        Ok(raw)
    }

    fn module_get_global(&mut self, module: Raw, name: &str) -> CuResult<(u64, u64)> {
        self.context()?;
        let m = self.modules.get(&module).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        m.globals.iter().find(|g| g.0 == name).map(|g| (g.1, g.2)).ok_or(CUresult::CUDA_ERROR_NOT_FOUND)
    }

    /// As the driver: `CUDA_MODULE_LOADING=EAGER` in the session's
    /// environment (the guest's, forwarded in the hello) means eager, anything
    /// else lazy. Modules are parsed at load either way.
    fn module_loading_mode(&mut self) -> CuResult<u32> {
        self.ready()?;
        let eager = std::env::var("CUDA_MODULE_LOADING").is_ok_and(|v| v.eq_ignore_ascii_case("EAGER"));
        Ok(if eager { 1 } else { 2 })
    }

    fn module_function_count(&mut self, module: Raw) -> CuResult<u32> {
        self.ready()?;
        let m = self.modules.get(&module).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        u32::try_from(m.ptx.entries.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)
    }

    fn module_functions(&mut self, module: Raw) -> CuResult<Vec<Raw>> {
        let names: Vec<String> = {
            let m = self.modules.get(&module).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
            m.ptx.entries.iter().map(|e| e.name.clone()).collect()
        };
        names.iter().map(|n| self.module_get_function(module, n)).collect()
    }

    fn func_name(&mut self, func: Raw) -> CuResult<String> {
        self.functions.get(&func).map(|f| f.name.clone()).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)
    }

    fn func_params(&mut self, func: Raw) -> CuResult<Vec<ParamInfo>> {
        self.functions.get(&func).map(|f| f.params.clone()).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)
    }

    fn func_get_attribute(&mut self, attrib: i32, func: Raw) -> CuResult<i32> {
        self.context()?;
        let f = self.functions.get(&func).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        let default = device::function_attribute(attrib).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        Ok(*f.attributes.get(&attrib).unwrap_or(&default))
    }

    fn func_set_attribute(&mut self, func: Raw, attrib: i32, value: i32) -> CuResult<()> {
        self.context()?;
        device::function_attribute(attrib).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let f = self.functions.get_mut(&func).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        f.attributes.insert(attrib, value);
        Ok(())
    }

    fn func_set_cache_config(&mut self, func: Raw, config: i32) -> CuResult<()> {
        self.context()?;
        self.functions.get(&func).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        if (0..=3).contains(&config) { Ok(()) } else { Err(CUresult::CUDA_ERROR_INVALID_VALUE) }
    }

    fn launch_kernel(&mut self, func: Raw, config: LaunchConfig, _: &[ParamInfo], _: &[u8]) -> CuResult<()> {
        self.context()?;
        self.functions.get(&func).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        self.stream(config.stream)?;
        self.not_capturable(Some(config.stream))?;
        if !self.warned_launch {
            self.warned_launch = true;
            log::warn!("the emulated backend cannot run kernels; cuLaunchKernel answers CUDA_ERROR_NOT_SUPPORTED");
        }
        Err(CUresult::CUDA_ERROR_NOT_SUPPORTED)
    }

    fn stream_create(&mut self, flags: u32, priority: i32) -> CuResult<Raw> {
        self.context()?;
        if flags & !1 != 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let raw = self.raw();
        self.streams.insert(raw, Stream { flags, priority: priority.clamp(-5, 0) });
        Ok(raw)
    }

    fn stream_destroy(&mut self, stream: Raw) -> CuResult<()> {
        self.ready()?;
        self.streams.remove(&stream).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        self.forget_stream_capture(stream);
        Ok(())
    }

    fn stream_synchronize(&mut self, stream: Raw) -> CuResult<()> {
        self.context()?;
        self.stream(stream)?;
        self.capture_sync(stream)?;
        self.release_pools();
        Ok(())
    }

    fn stream_query(&mut self, stream: Raw) -> CuResult<()> {
        self.context()?;
        self.stream(stream)?;
        self.capture_sync(stream)
    }

    fn stream_wait_event(&mut self, stream: Raw, event: Raw, flags: u32) -> CuResult<()> {
        self.context()?;
        self.stream(stream)?;
        self.events.get(&event).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        if flags & !1 != 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        self.capture_event_wait(stream, event).map(|_| ())
    }

    fn stream_get_priority(&mut self, stream: Raw) -> CuResult<i32> {
        self.context()?;
        self.stream(stream)?;
        Ok(self.streams.get(&stream).map_or(0, |s| s.priority))
    }

    fn stream_get_flags(&mut self, stream: Raw) -> CuResult<u32> {
        self.context()?;
        self.stream(stream)?;
        Ok(self.streams.get(&stream).map_or(0, |s| s.flags))
    }

    fn event_create(&mut self, flags: u32) -> CuResult<Raw> {
        self.context()?;
        if flags & !0xf != 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let raw = self.raw();
        self.events.insert(raw, Event { flags, recorded: None });
        Ok(raw)
    }

    fn event_destroy(&mut self, event: Raw) -> CuResult<()> {
        self.ready()?;
        self.events.remove(&event).map(|_| ()).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)
    }

    fn event_record(&mut self, event: Raw, stream: Raw) -> CuResult<()> {
        self.context()?;
        self.stream(stream)?;
        self.events.get(&event).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        if self.capture_event_record(event, stream)? {
            return Ok(());
        }
        self.stamp(event)
    }

    fn mirror_map(&mut self, addr: u64, size: u64) -> CuResult<()> {
        self.context()?;
        let end = addr.checked_add(size).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let overlaps = self.memory.range(..end).next_back().is_some_and(|(s, b)| s + b.len() as u64 > addr);
        // Device addresses are handed out upward from ADDRESS_BASE and never
        // reused; keep clear of where they will go.
        let device_zone = ADDRESS_BASE..self.next_address.saturating_add(self.total_memory.saturating_mul(4));
        if overlaps || device_zone.contains(&addr) || device_zone.contains(&end) {
            return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED);
        }
        self.memory.insert(addr, vec![0; Self::to_usize(size)?]);
        Ok(())
    }

    fn mirror_unmap(&mut self, addr: u64, _size: u64) -> CuResult<()> {
        self.memory.remove(&addr).map(|_| ()).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    fn mirror_write(&mut self, addr: u64, bytes: &[u8]) -> CuResult<()> {
        let (buf, at) = self.region(addr, bytes.len() as u64)?;
        buf[at..at + bytes.len()].copy_from_slice(bytes);
        Ok(())
    }

    fn mirror_read(&mut self, addr: u64, out: &mut [u8]) -> CuResult<()> {
        let len = out.len();
        let (buf, at) = self.region(addr, len as u64)?;
        out.copy_from_slice(&buf[at..at + len]);
        Ok(())
    }

    fn stream_capture_info(&mut self, stream: Raw) -> CuResult<super::CaptureInfo> {
        self.context()?;
        self.stream(stream)?;
        Ok(self.capture_info(stream))
    }

    fn event_synchronize(&mut self, event: Raw) -> CuResult<()> {
        self.ready()?;
        self.events.get(&event).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        self.release_pools();
        Ok(())
    }

    fn event_query(&mut self, event: Raw) -> CuResult<()> {
        self.ready()?;
        self.events.get(&event).map(|_| ()).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)
    }

    fn event_elapsed(&mut self, start: Raw, end: Raw) -> CuResult<f32> {
        self.ready()?;
        let (a, b) = (self.events.get(&start), self.events.get(&end));
        let (Some(a), Some(b)) = (a, b) else {
            return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
        };
        const DISABLE_TIMING: u32 = 2;
        if a.flags & DISABLE_TIMING != 0 || b.flags & DISABLE_TIMING != 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
        }
        match (a.recorded, b.recorded) {
            (Some(ta), Some(tb)) => {
                let ms = if tb >= ta { (tb - ta).as_secs_f64() * 1e3 } else { -((ta - tb).as_secs_f64() * 1e3) };
                #[allow(clippy::cast_possible_truncation)]
                Ok(ms as f32)
            }
            _ => Err(CUresult::CUDA_ERROR_INVALID_HANDLE),
        }
    }

    // A library is a module that no context owns; its kernels are its
    // functions, the same in every context.
    fn library_load_data(&mut self, image: &[u8]) -> CuResult<Raw> {
        self.module_load_data(image)
    }

    fn library_unload(&mut self, library: Raw) -> CuResult<()> {
        self.module_unload(library)
    }

    fn library_get_kernel(&mut self, library: Raw, name: &str) -> CuResult<Raw> {
        self.module_get_function(library, name)
    }

    fn library_get_module(&mut self, library: Raw) -> CuResult<Raw> {
        self.modules.get(&library).map(|_| library).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)
    }

    fn library_get_global(&mut self, library: Raw, name: &str) -> CuResult<(u64, u64)> {
        self.module_get_global(library, name)
    }

    fn library_kernels(&mut self, library: Raw) -> CuResult<Vec<Raw>> {
        self.module_functions(library)
    }

    fn kernel_get_function(&mut self, kernel: Raw) -> CuResult<Raw> {
        self.context()?;
        self.functions.get(&kernel).map(|_| kernel).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)
    }

    fn kernel_params(&mut self, kernel: Raw) -> CuResult<Vec<ParamInfo>> {
        self.func_params(kernel)
    }

    fn kernel_get_attribute(&mut self, attrib: i32, kernel: Raw, dev: i32) -> CuResult<i32> {
        self.device(dev)?;
        let f = self.functions.get(&kernel).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        let default = device::function_attribute(attrib).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        Ok(*f.attributes.get(&attrib).unwrap_or(&default))
    }

    fn kernel_set_attribute(&mut self, attrib: i32, value: i32, kernel: Raw, dev: i32) -> CuResult<()> {
        self.device(dev)?;
        device::function_attribute(attrib).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let f = self.functions.get_mut(&kernel).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        f.attributes.insert(attrib, value);
        Ok(())
    }

    fn kernel_name(&mut self, kernel: Raw) -> CuResult<String> {
        self.func_name(kernel)
    }

    fn occupancy_max_potential_block_size(&mut self, func: Raw, _smem: u64, limit: i32, _flags: u32) -> CuResult<(i32, i32)> {
        self.context()?;
        self.functions.get(&func).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        let block = if limit > 0 { limit.min(1024) } else { 1024 };
        Ok((2 * 4, block))
    }

    fn occupancy_available_dynamic_smem(&mut self, func: Raw, blocks: i32, _block: i32) -> CuResult<u64> {
        self.context()?;
        self.functions.get(&func).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        Ok(233_472 / u64::try_from(blocks.max(1)).unwrap_or(1))
    }

    fn occupancy_max_active_blocks(&mut self, func: Raw, block: i32, _smem: u64, _flags: u32) -> CuResult<i32> {
        self.context()?;
        self.functions.get(&func).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        if block <= 0 || block > 1024 {
            return Ok(0);
        }
        Ok((2048 / block).min(32))
    }

    fn ipc_get_mem_handle(&mut self, ptr: u64) -> CuResult<[u8; 64]> {
        self.context()?;
        if !self.memory.contains_key(&ptr) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        Ok(ipc::handle(ipc::MEM_TAG, ptr))
    }

    fn ipc_open_mem_handle(&mut self, _: [u8; 64], _: u32) -> CuResult<(u64, u64)> {
        self.context()?;
        ipc::refuse_open("cuIpcOpenMemHandle")
    }

    fn ipc_close_mem_handle(&mut self, _: u64) -> CuResult<()> {
        self.context()?;
        Err(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    fn ipc_get_event_handle(&mut self, event: Raw) -> CuResult<[u8; 64]> {
        self.ready()?;
        ipc::check_exportable_event(self.events.get(&event).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?.flags)?;
        Ok(ipc::handle(ipc::EVENT_TAG, event))
    }

    fn ipc_open_event_handle(&mut self, _: [u8; 64]) -> CuResult<Raw> {
        self.context()?;
        ipc::refuse_open("cuIpcOpenEventHandle")
    }
}
