//! `cuGetExportTable`: the driver's private tables that libcudart (static or
//! shared, and every copy embedded in cuBLAS, cuDNN, CuPy...), libcublasLt,
//! NVML, NVRTC and cuFFT request by UUID. Layouts and the behaviour of the slots
//! clients call are the facts measured on driver 580.159.04
//! (`../shared/reference/export-tables.md`): word 0 is the table's byte
//! length, slot for slot as the real driver, except the context-local storage
//! table (three functions and a NULL word).
//!
//! Almost everything here is answered in the guest: the called slots are
//! process-local (context-local storage, tool hooks, the calling thread's
//! context), and the integrity answer must come from this process's own
//! table addresses. Two tools-context slots cuBLASLt calls (51, 39) are
//! answered by the host's driver (`CUVM_TOOLS_CONTEXT_SLOT`); cuFFT's module
//! lookup is built on forwarded module calls. A slot no client was seen calling logs once (table and
//! slot) and returns `CUDA_ERROR_NOT_SUPPORTED`.

use core::ffi::{c_int, c_uint, c_void};
use std::collections::HashMap;
use std::ptr::null;
use std::sync::Mutex;

use cuvm_abi::{CUcontext, CUfunction, CUmodule, CUresult, CUuuid};

use crate::context;

/// A table: words of pointers (or the size word) at a fixed address.
#[repr(C)]
pub struct Table<const N: usize>([*const c_void; N]);

// SAFETY: the words are immutable addresses of functions and a size.
unsafe impl<const N: usize> Sync for Table<N> {}

/// Builds a table of `N` words: the size word `N * 8` first when `sized`,
/// every other word the stub of its slot (from [`stubs`]), then `slots`
/// placed (NULL allowed).
const fn table<const N: usize>(sized: bool, stubs: [*const c_void; MAX_SLOTS], slots: &[(usize, *const c_void)]) -> Table<N> {
    let mut words = [null(); N];
    let mut i = 0;
    while i < N {
        words[i] = stubs[i];
        i += 1;
    }
    if sized {
        words[0] = (N * 8) as *const c_void;
    }
    let mut i = 0;
    while i < slots.len() {
        words[slots[i].0] = slots[i].1;
        i += 1;
    }
    Table(words)
}

/// The most slots a served table has (cuFFT's table's 99).
const MAX_SLOTS: usize = 99;

/// The tables' names, for the log line of a slot no client was seen calling.
const TABLE_NAMES: [&str; 9] = [
    "f8cff951 (cudart 13 requirements)",
    "6bd5fb6c (cudart interface)",
    "42d85a81 (tools TLS)",
    "263e8860 (context checks)",
    "d4082055 (integrity check)",
    "21318c60 (tools context)",
    "69a28e9f (NVML interface)",
    "da9151d3 (NVRTC interface)",
    "6e163fbe (cuFFT interface)",
];

/// Slot `SLOT` of table `TABLE` (an index into [`TABLE_NAMES`]): a slot no
/// client was seen calling. Each slot has its own, so the log names it.
unsafe extern "C" fn slot_stub<const TABLE: usize, const SLOT: usize>() -> CUresult {
    unimplemented_slot(TABLE, SLOT)
}

macro_rules! slot_stubs {
    ($table:ident; $($slot:literal)*) => {
        [$(f(slot_stub::<$table, $slot> as *const c_void)),*]
    };
}

/// The stub of every slot of table `TABLE`.
const fn stubs<const TABLE: usize>() -> [*const c_void; MAX_SLOTS] {
    slot_stubs!(TABLE; 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95 96 97 98)
}

/// The same word in every slot.
const fn filled(word: *const c_void) -> [*const c_void; MAX_SLOTS] {
    [word; MAX_SLOTS]
}

fn unimplemented_slot(table: usize, slot: usize) -> CUresult {
    static REPORTED: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());
    let first = REPORTED.lock().map(|mut seen| {
        let new = !seen.contains(&(table, slot));
        if new {
            seen.push((table, slot));
        }
        new
    });
    if first.unwrap_or(false) {
        crate::logging::init();
        let name = TABLE_NAMES.get(table).copied().unwrap_or("?");
        log::warn!("slot {slot} of the export table {name}, which cuvm does not implement, was called; returning CUDA_ERROR_NOT_SUPPORTED");
    }
    CUresult::CUDA_ERROR_NOT_SUPPORTED
}

const fn f(p: *const c_void) -> *const c_void {
    p
}

// ---- 6bd5fb6c: cudart interface -------------------------------------------

/// Slot 2: the primary context of `dev`, neither retained nor activated.
unsafe extern "C" fn cudart_primary_context(out: *mut CUcontext, dev: c_int) -> CUresult {
    crate::guard::call("export table slot", || {
        // SAFETY: the caller's storage, as for the driver.
        unsafe { context::primary_handle(out, dev) }
    })
}

/// Slot 7: takes one integer and does nothing.
unsafe extern "C" fn cudart_nothing(_value: c_int) {}

/// Slot 12: loads the compiler libraries in the real driver; nothing to load.
unsafe extern "C" fn cudart_load_compilers() -> CUresult {
    CUresult::CUDA_SUCCESS
}

static CUDART: Table<13> = table(
    true,
    stubs::<1>(),
    &[
        (2, f(cudart_primary_context as *const c_void)),
        (7, f(cudart_nothing as *const c_void)),
        (10, null()),
        (12, f(cudart_load_compilers as *const c_void)),
    ],
);

// ---- 42d85a81: tools TLS ---------------------------------------------------

/// Slot 2: writes the calling thread's current context to `buf[0]`.
unsafe extern "C" fn tools_current_context(buf: *mut u64) -> CUresult {
    if buf.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    // SAFETY: the caller's storage.
    unsafe { buf.write_unaligned(context::current()) };
    CUresult::CUDA_SUCCESS
}

static TOOLS_TLS: Table<3> = table(true, stubs::<2>(), &[(2, f(tools_current_context as *const c_void))]);

// ---- 263e8860: context checks ----------------------------------------------

/// Slot 2: "is this a wrapped context": never; the pointer out is untouched.
unsafe extern "C" fn checks_wrapped(_ctx: CUcontext, wrapped: *mut c_uint, _inner: *mut *mut c_void) -> CUresult {
    if !wrapped.is_null() {
        // SAFETY: the caller's storage.
        unsafe { wrapped.write_unaligned(0) };
    }
    CUresult::CUDA_SUCCESS
}

/// Slot 3: answers 0, before any context exists too.
unsafe extern "C" fn checks_zero() -> c_uint {
    0
}

static CONTEXT_CHECKS: Table<15> =
    table(true, stubs::<3>(), &[(2, f(checks_wrapped as *const c_void)), (3, f(checks_zero as *const c_void))]);

// ---- a094798c: tool runtime callback hooks ---------------------------------

/// Zeroed buffers for tool callbacks; no tool is attached in a guest.
struct Hooks(core::cell::UnsafeCell<[u64; 1024]>, core::cell::UnsafeCell<[u64; 14]>);
// SAFETY: cuvm never reads or writes these; they belong to the caller.
unsafe impl Sync for Hooks {}
static HOOK_BUFFERS: Hooks = Hooks(core::cell::UnsafeCell::new([0; 1024]), core::cell::UnsafeCell::new([0; 14]));

unsafe fn give_buffer(ptr: *mut *mut c_void, size: *mut usize, buf: *mut c_void, len: usize) -> CUresult {
    if ptr.is_null() || size.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    // SAFETY: the caller's storage.
    unsafe {
        ptr.write_unaligned(buf);
        size.write_unaligned(len);
    }
    CUresult::CUDA_SUCCESS
}

/// Slot 2: the first buffer (1024 entries, as the real driver reports).
unsafe extern "C" fn hooks_buffer(ptr: *mut *mut c_void, size: *mut usize) -> CUresult {
    // SAFETY: forwarded contract.
    unsafe { give_buffer(ptr, size, HOOK_BUFFERS.0.get().cast(), 1024) }
}

/// Slot 6: the second buffer (14 entries).
unsafe extern "C" fn hooks_small_buffer(ptr: *mut *mut c_void, size: *mut usize) -> CUresult {
    // SAFETY: forwarded contract.
    unsafe { give_buffer(ptr, size, HOOK_BUFFERS.1.get().cast(), 14) }
}

/// Slots 1, 3, 4, 5: callbacks with nothing to do in a guest.
unsafe extern "C" fn hooks_nothing() -> CUresult {
    CUresult::CUDA_SUCCESS
}

static HOOKS: Table<7> = table(
    true,
    filled(f(hooks_nothing as *const c_void)),
    &[(2, f(hooks_buffer as *const c_void)), (6, f(hooks_small_buffer as *const c_void))],
);

// ---- c693336e: context-local storage ---------------------------------------

/// Called with (context, key, value) when the context goes away.
type Destructor = Option<unsafe extern "C" fn(CUcontext, *mut c_void, *mut c_void)>;

/// context id -> key -> (value, destructor).
type Storage = HashMap<u64, HashMap<usize, (usize, Destructor)>>;
static STORAGE: Mutex<Option<Storage>> = Mutex::new(None);

fn storage<R>(f: impl FnOnce(&mut Storage) -> R) -> R {
    let mut guard = STORAGE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    f(guard.get_or_insert_with(HashMap::new))
}

fn storage_context(ctx: CUcontext) -> Result<u64, CUresult> {
    let id = if ctx.is_null() { context::current() } else { ctx as usize as u64 };
    if id == 0 { Err(CUresult::CUDA_ERROR_INVALID_CONTEXT) } else { Ok(id) }
}

/// Slot 0: stores `value` under `key`; an existing key is refused (400).
unsafe extern "C" fn cls_put(ctx: CUcontext, key: *mut c_void, value: *mut c_void, dtor: Destructor) -> CUresult {
    let id = match storage_context(ctx) {
        Ok(id) => id,
        Err(e) => return e,
    };
    storage(|s| {
        let map = s.entry(id).or_default();
        if map.contains_key(&(key as usize)) {
            return CUresult::CUDA_ERROR_INVALID_HANDLE;
        }
        map.insert(key as usize, (value as usize, dtor));
        CUresult::CUDA_SUCCESS
    })
}

/// Slot 1: removes `key` (400 when missing); its destructor does not run.
unsafe extern "C" fn cls_delete(ctx: CUcontext, key: *mut c_void) -> CUresult {
    let id = match storage_context(ctx) {
        Ok(id) => id,
        Err(e) => return e,
    };
    storage(|s| match s.get_mut(&id).and_then(|m| m.remove(&(key as usize))) {
        Some(_) => CUresult::CUDA_SUCCESS,
        None => CUresult::CUDA_ERROR_INVALID_HANDLE,
    })
}

/// Slot 2: the value under `key` (400 when missing, `value` untouched).
unsafe extern "C" fn cls_get(value: *mut *mut c_void, ctx: CUcontext, key: *mut c_void) -> CUresult {
    let id = match storage_context(ctx) {
        Ok(id) => id,
        Err(e) => return e,
    };
    let Some(found) = storage(|s| s.get(&id).and_then(|m| m.get(&(key as usize))).map(|e| e.0)) else {
        return CUresult::CUDA_ERROR_INVALID_HANDLE;
    };
    if value.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    // SAFETY: the caller's storage.
    unsafe { value.write_unaligned(found as *mut c_void) };
    CUresult::CUDA_SUCCESS
}

static CONTEXT_LOCAL_STORAGE: Table<4> = table(
    false,
    filled(null()),
    &[(0, f(cls_put as *const c_void)), (1, f(cls_delete as *const c_void)), (2, f(cls_get as *const c_void))],
);

/// Runs the destructors of context `id`'s storage and forgets it: called
/// when the context is destroyed or its primary context reset.
pub fn context_gone(id: u64) {
    let entries = storage(|s| s.remove(&id)).unwrap_or_default();
    for (key, (value, dtor)) in entries {
        if let Some(dtor) = dtor {
            // SAFETY: the caller registered this callback for exactly this.
            let _ = std::panic::catch_unwind(|| unsafe { dtor(id as usize as CUcontext, key as *mut c_void, value as *mut c_void) });
        }
    }
}

// ---- d4082055: integrity check ---------------------------------------------

/// Slot 1: (version, unix time, out[2]). Versions ending in 0 or 1 get the
/// driver's fixed answers; the others a keyed hash of this process's table
/// and function addresses, the calling thread and the devices the guest sees
/// ([`cuvm_abi::integrity`]), which libcudart recomputes and compares.
unsafe extern "C" fn integrity(version: c_uint, unix_seconds: u64, out: *mut [u64; 2]) -> CUresult {
    crate::guard::call("export table slot", || {
        if out.is_null() {
            return CUresult::CUDA_ERROR_INVALID_VALUE;
        }
        let answer = match cuvm_abi::integrity::fixed_answer(version) {
            Some(fixed) => fixed,
            None => {
                let devices = match integrity_devices() {
                    Ok(d) => d,
                    Err(e) => return e,
                };
                let mut driver_version: core::ffi::c_int = 0;
                // SAFETY: a local.
                let r = unsafe { crate::init::driver_get_version(&mut driver_version) };
                if r != CUresult::CUDA_SUCCESS {
                    return r;
                }
                let inputs = cuvm_abi::integrity::Inputs {
                    driver_version: driver_version.cast_unsigned(),
                    version,
                    process_id: std::process::id(),
                    // Only the low 32 bits are hashed.
                    #[allow(clippy::cast_possible_truncation)]
                    // SAFETY: always safe to call.
                    thread_id: unsafe { libc::pthread_self() } as u32,
                    cudart_table: (&raw const CUDART) as u64,
                    integrity_table: (&raw const INTEGRITY) as u64,
                    slot1_function: INTEGRITY.0[1] as u64,
                    unix_seconds,
                };
                cuvm_abi::integrity::answer(&inputs, &devices)
            }
        };
        // SAFETY: the caller's storage.
        unsafe { out.write_unaligned(answer) };
        CUresult::CUDA_SUCCESS
    })
}

/// The hashed facts of every device the guest sees, as this library reports
/// them to the caller (UUID, PCI domain, bus and device).
fn integrity_devices() -> Result<Vec<cuvm_abi::integrity::Device>, CUresult> {
    let ok = |r: CUresult| {
        if r == CUresult::CUDA_SUCCESS { Ok(()) } else { Err(r) }
    };
    let mut count = 0;
    // SAFETY: a local.
    ok(unsafe { crate::device::count(&mut count) })?;
    let mut devices = Vec::new();
    for dev in 0..count {
        let mut uuid = CUuuid::default();
        // SAFETY: a local.
        ok(unsafe { crate::device::uuid(&mut uuid, dev) })?;
        let attr = |a: cuvm_abi::CUdevice_attribute| crate::device::attribute_value(a.0.cast_signed(), dev);
        devices.push(cuvm_abi::integrity::Device {
            uuid: uuid.bytes.map(core::ffi::c_char::cast_unsigned),
            pci_domain: attr(cuvm_abi::CUdevice_attribute::CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID)?,
            pci_bus: attr(cuvm_abi::CUdevice_attribute::CU_DEVICE_ATTRIBUTE_PCI_BUS_ID)?,
            pci_device: attr(cuvm_abi::CUdevice_attribute::CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID)?,
        });
    }
    Ok(devices)
}

static INTEGRITY: Table<3> = table(true, stubs::<4>(), &[(1, f(integrity as *const c_void))]);

// ---- the rest --------------------------------------------------------------

/// 21318c60 slot 4: the context's unique id, as `cuCtxGetId` reports it.
unsafe extern "C" fn tools_context_id(ctx: CUcontext, id: *mut u64) -> CUresult {
    crate::guard::call("export table slot", || {
        // SAFETY: the caller's storage.
        unsafe { context::get_id(ctx, id) }
    })
}

/// The guest's copies of the objects slot 51 made, by address: the host's id.
static TOOLS_OBJECTS: Mutex<Vec<(usize, u64)>> = Mutex::new(Vec::new());

fn context_or_current(ctx: CUcontext) -> u64 {
    if ctx.is_null() { context::current() } else { ctx as usize as u64 }
}

/// 21318c60 slot 51 (cuBLASLt 13): (context, 0, out object pointer, 0). The
/// host's driver makes the object; the guest gets a copy of its first four
/// words (the context word as the guest's handle) at an address of its own.
unsafe extern "C" fn tools_context_object(ctx: CUcontext, a1: u64, out: *mut *mut c_void, a3: u64) -> CUresult {
    crate::guard::call("export table slot", || {
        if out.is_null() {
            return CUresult::CUDA_ERROR_INVALID_VALUE;
        }
        if a1 != 0 || a3 != 0 {
            return crate::driver::not_supported("tools-context slot 51 with arguments never measured");
        }
        let mut e = cuvm_wire::Encoder::new();
        e.u32(51).u64(context_or_current(ctx)).u64(0);
        let r = match crate::remote::call(cuvm_wire::ops::CUVM_TOOLS_CONTEXT_SLOT, &e) {
            Ok(r) => r,
            Err(e) => return e,
        };
        let mut d = r.decoder();
        let mut words = [0u64; 5];
        for w in &mut words {
            match d.u64() {
                Ok(v) => *w = v,
                Err(e) => return crate::remote::protocol(e),
            }
        }
        let object: &'static mut [u64; 4] = Box::leak(Box::new([words[1], words[2], words[3], words[4]]));
        let address = object.as_mut_ptr() as usize;
        TOOLS_OBJECTS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((address, words[0]));
        // SAFETY: checked non-null; the caller's storage.
        unsafe { out.write(address as *mut c_void) };
        CUresult::CUDA_SUCCESS
    })
}

/// 21318c60 slot 39 (cuBLASLt 13): (context, an object of slot 51, out
/// value); the host's driver answers. The value is written as 4 bytes (it is
/// 7 on the H100); one that does not fit is refused rather than written
/// past the caller's storage.
unsafe extern "C" fn tools_context_query(ctx: CUcontext, object: *mut c_void, out: *mut u32) -> CUresult {
    crate::guard::call("export table slot", || {
        if out.is_null() {
            return CUresult::CUDA_ERROR_INVALID_VALUE;
        }
        let id = TOOLS_OBJECTS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .find(|(a, _)| *a == object as usize)
            .map(|(_, id)| *id);
        let Some(id) = id else { return CUresult::CUDA_ERROR_INVALID_VALUE };
        let mut e = cuvm_wire::Encoder::new();
        e.u32(39).u64(context_or_current(ctx)).u64(id);
        let value = match crate::remote::call(cuvm_wire::ops::CUVM_TOOLS_CONTEXT_SLOT, &e)
            .and_then(|r| r.decoder().u64().map_err(crate::remote::protocol))
        {
            Ok(v) => v,
            Err(e) => return e,
        };
        let Ok(v) = u32::try_from(value) else {
            log::warn!("tools-context slot 39 answered {value:#x}, more than the 4 bytes measured: refused");
            return CUresult::CUDA_ERROR_UNKNOWN;
        };
        // SAFETY: checked non-null; the caller's storage (4 bytes).
        unsafe { out.write_unaligned(v) };
        CUresult::CUDA_SUCCESS
    })
}

static TOOLS_CONTEXT: Table<93> = table(
    true,
    stubs::<5>(),
    &[
        (4, f(tools_context_id as *const c_void)),
        (39, f(tools_context_query as *const c_void)),
        (51, f(tools_context_object as *const c_void)),
        (91, null()),
    ],
);
/// 6e163fbe slot 7, which cuFFT (CUDA 13, libcufft.so.12) calls once per
/// plan, measured with `scripts/probes/table-trace.c` (`TABLE_TRACE_HOOK`):
/// (context, the module cuFFT has just loaded, a function of cuFFT's, its
/// argument, the module again). The driver calls that function once per
/// function of the module with (its argument, the function, the function's
/// mangled name, 0, 0, the module) and returns the count (1 for cuFFT's
/// one-kernel modules). Done here with the forwarded module calls
/// (`cuModuleGetFunctionCount`, `cuModuleEnumerateFunctions`,
/// `cuFuncGetName`), so the functions are ordinary guest handles.
unsafe extern "C" fn cufft_module_functions(ctx: CUcontext, module: CUmodule, function: *const c_void, arg: u64, user: u64) -> u64 {
    type Registered = unsafe extern "C" fn(u64, u64, *const core::ffi::c_char, u64, u64, u64) -> u64;
    let _ = ctx;
    let r = std::panic::catch_unwind(|| -> Result<u64, CUresult> {
        if module.is_null() || function.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let ok = |r: CUresult| if r == CUresult::CUDA_SUCCESS { Ok(()) } else { Err(r) };
        let mut n: c_uint = 0;
        // SAFETY: a local out-pointer.
        ok(unsafe { crate::module::function_count(&mut n, module) })?;
        let mut functions: Vec<CUfunction> = vec![std::ptr::null_mut(); n as usize];
        if n > 0 {
            // SAFETY: room for `n` handles.
            ok(unsafe { crate::module::enumerate_functions(functions.as_mut_ptr(), n, module) })?;
        }
        // SAFETY: cuFFT's function, with the shape measured.
        let f: Registered = unsafe { std::mem::transmute::<*const c_void, Registered>(function) };
        for func in &functions {
            let mut name: *const core::ffi::c_char = null();
            // SAFETY: a local out-pointer; the name lives as long as the module.
            ok(unsafe { crate::module::get_name(&mut name, *func) })?;
            // SAFETY: as the driver calls it (measured).
            unsafe { f(arg, *func as usize as u64, name, 0, 0, user) };
        }
        Ok(u64::from(n))
    });
    match r {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            log::warn!("cuFFT's module lookup (export table 6e163fbe slot 7) failed: {e}");
            0
        }
        Err(_) => 0,
    }
}

static CUFFT: Table<99> = table(true, stubs::<8>(), &[(7, f(cufft_module_functions as *const c_void))]);
static F8CFF951: Table<3> = table(true, stubs::<0>(), &[]);
static NVML: Table<34> = table(true, stubs::<6>(), &[]);
static NVRTC: Table<7> = table(true, stubs::<7>(), &[]);

/// (UUID, name, table) of every table a measured client requested.
fn tables() -> [([u8; 16], &'static str, *const c_void); 11] {
    [
        (hex("f8cff95121468b4eb9e2fb469e7c0dd9"), "f8cff951", (&raw const F8CFF951).cast()),
        (hex("6bd5fb6c5bf4e74a8987d93912fd9df9"), "cudart interface", (&raw const CUDART).cast()),
        (hex("a094798c2e742e7493f20800200c0a66"), "tool callback hooks", (&raw const HOOKS).cast()),
        (hex("42d85a8123f6cb478298f6e78a3aecdc"), "tools TLS", (&raw const TOOLS_TLS).cast()),
        (hex("c693336e1121df11a8c368f355d89593"), "context-local storage", (&raw const CONTEXT_LOCAL_STORAGE).cast()),
        (hex("263e88607cd2614392f6bbd5006dfa7e"), "context checks", (&raw const CONTEXT_CHECKS).cast()),
        (hex("d4082055bde6704b8d34ba123c66e1f2"), "integrity check", (&raw const INTEGRITY).cast()),
        (hex("21318c60971432488ca641ff7324c8f2"), "tools context", (&raw const TOOLS_CONTEXT).cast()),
        (hex("69a28e9f24498b47b030c5da330ea4e9"), "NVML interface", (&raw const NVML).cast()),
        (hex("da9151d33ae6cc41a5c04f26d533e328"), "NVRTC interface", (&raw const NVRTC).cast()),
        (hex("6e163fbeb958444d835ce182aff1991e"), "cuFFT interface", (&raw const CUFFT).cast()),
    ]
}

const fn hex(s: &str) -> [u8; 16] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a hex digit"),
        }
    }
    let b = s.as_bytes();
    let mut out = [0u8; 16];
    let mut i = 0;
    while i < 16 {
        out[i] = nibble(b[2 * i]) << 4 | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

/// Whether `CUVM_REFUSE_EXPORT_TABLES` (comma-separated UUID prefixes in
/// hex, a diagnostic setting) names this table: it is then refused as an
/// unknown one would be.
fn refused_by_configuration(uuid: &[u8; 16]) -> bool {
    let Ok(list) = std::env::var("CUVM_REFUSE_EXPORT_TABLES") else {
        return false;
    };
    let hex = hex_text(uuid);
    list.split(',').map(str::trim).any(|p| p.len() >= 4 && hex.starts_with(&p.to_ascii_lowercase()))
}

fn hex_text(uuid: &[u8; 16]) -> String {
    uuid.iter().map(|b| format!("{b:02x}")).collect()
}

/// `cuGetExportTable`.
///
/// # Safety
/// Pointers null or valid.
pub unsafe fn get(table: *mut *const c_void, id: *const CUuuid) -> CUresult {
    if table.is_null() || id.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    // SAFETY: non-null; a CUuuid is 16 bytes.
    let uuid: [u8; 16] = unsafe { core::ptr::read_unaligned(id.cast()) };
    if let Some((_, name, t)) = tables().into_iter().find(|(u, _, _)| *u == uuid) {
        if refused_by_configuration(&uuid) {
            log::info!("cuGetExportTable: {name} refused (CUVM_REFUSE_EXPORT_TABLES)");
            // SAFETY: checked non-null.
            unsafe { table.write_unaligned(null()) };
            return CUresult::CUDA_ERROR_INVALID_VALUE;
        }
        log::debug!("cuGetExportTable: {name}");
        // SAFETY: checked non-null.
        unsafe { table.write_unaligned(t) };
        return CUresult::CUDA_SUCCESS;
    }
    static REPORTED: Mutex<Vec<[u8; 16]>> = Mutex::new(Vec::new());
    let first = REPORTED.lock().map(|mut seen| {
        let new = !seen.contains(&uuid);
        if new {
            seen.push(uuid);
        }
        new
    });
    if first.unwrap_or(false) {
        crate::logging::init();
        log::warn!("cuGetExportTable: unknown export table {}; returning CUDA_ERROR_INVALID_VALUE as the driver does", hex_text(&uuid));
    }
    // SAFETY: checked non-null.
    unsafe { table.write_unaligned(null()) };
    CUresult::CUDA_ERROR_INVALID_VALUE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetch(uuid: &str) -> (*const usize, CUresult) {
        let mut t: *const c_void = null();
        let id: CUuuid = CUuuid { bytes: hex(uuid).map(|b| b as core::ffi::c_char) };
        // SAFETY: valid pointers.
        let r = unsafe { get(&mut t, &id) };
        (t.cast(), r)
    }

    #[test]
    fn cufft_table_has_its_measured_size_and_slot_seven_refuses_a_null_request() {
        let (t, r) = fetch("6e163fbeb958444d835ce182aff1991e");
        assert_eq!(r, CUresult::CUDA_SUCCESS);
        // SAFETY: the cuFFT table has 99 words.
        let words = unsafe { std::slice::from_raw_parts(t, 99) };
        assert_eq!(words[0], 99 * 8);
        type Lookup = unsafe extern "C" fn(CUcontext, CUmodule, *const c_void, u64, u64) -> u64;
        // SAFETY: slot 7 has this shape (measured).
        let lookup: Lookup = unsafe { std::mem::transmute(words[7]) };
        // SAFETY: null request: refused before anything is read.
        assert_eq!(unsafe { lookup(std::ptr::null_mut(), std::ptr::null_mut(), null(), 0, 0) }, 0);
    }

    #[test]
    fn each_unimplemented_slot_has_its_own_stub_answering_not_supported() {
        let (t, r) = fetch("21318c60971432488ca641ff7324c8f2");
        assert_eq!(r, CUresult::CUDA_SUCCESS);
        // SAFETY: the tools-context table has 93 words.
        let words = unsafe { std::slice::from_raw_parts(t, 93) };
        let stubs: Vec<usize> = [1usize, 2, 3, 5, 90, 92].iter().map(|i| words[*i]).collect();
        let mut distinct = stubs.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), stubs.len(), "one function per slot, so the log can name the slot");
        for w in stubs {
            // SAFETY: a stub takes nothing and returns a CUresult.
            let stub: unsafe extern "C" fn() -> CUresult = unsafe { std::mem::transmute(w) };
            // SAFETY: as above.
            assert_eq!(unsafe { stub() }, CUresult::CUDA_ERROR_NOT_SUPPORTED);
        }
    }

    /// (uuid, slot count from the measured size word, NULL slots).
    const MEASURED: &[(&str, usize, &[usize])] = &[
        ("f8cff95121468b4eb9e2fb469e7c0dd9", 3, &[]),
        ("6bd5fb6c5bf4e74a8987d93912fd9df9", 13, &[10]),
        ("a094798c2e742e7493f20800200c0a66", 7, &[]),
        ("42d85a8123f6cb478298f6e78a3aecdc", 3, &[]),
        ("263e88607cd2614392f6bbd5006dfa7e", 15, &[]),
        ("d4082055bde6704b8d34ba123c66e1f2", 3, &[]),
        ("21318c60971432488ca641ff7324c8f2", 93, &[91]),
        ("69a28e9f24498b47b030c5da330ea4e9", 34, &[]),
        ("da9151d33ae6cc41a5c04f26d533e328", 7, &[]),
        ("6e163fbeb958444d835ce182aff1991e", 99, &[]),
    ];

    #[test]
    fn sized_tables_have_the_measured_size_word_and_null_slots() {
        for (uuid, slots, nulls) in MEASURED {
            let (t, r) = fetch(uuid);
            assert_eq!(r, CUresult::CUDA_SUCCESS, "{uuid}");
            // SAFETY: the table has `slots` words.
            let words = unsafe { std::slice::from_raw_parts(t, *slots) };
            assert_eq!(words[0], slots * 8, "{uuid}: size word");
            for (i, w) in words.iter().enumerate().skip(1) {
                assert_eq!(*w == 0, nulls.contains(&i), "{uuid}: slot {i}");
            }
            let (again, _) = fetch(uuid);
            assert_eq!(again, t, "{uuid}: repeated requests get the same table");
        }
    }

    #[test]
    fn context_local_storage_table_is_three_functions_and_null() {
        let (t, r) = fetch("c693336e1121df11a8c368f355d89593");
        assert_eq!(r, CUresult::CUDA_SUCCESS);
        // SAFETY: four words.
        let words = unsafe { std::slice::from_raw_parts(t, 4) };
        assert!(words[..3].iter().all(|w| *w != 0) && words[3] == 0);
    }

    #[test]
    fn unknown_table_is_invalid_value_with_null() {
        let (t, r) = fetch("195bcbf4d67d024aacc51d29cea631ae");
        assert_eq!(r, CUresult::CUDA_ERROR_INVALID_VALUE);
        assert!(t.is_null());
    }

    #[test]
    fn integrity_fixed_answers_match_the_driver() {
        let mut out = [0u64; 2];
        // SAFETY: valid storage.
        assert_eq!(unsafe { integrity(13000, 1_700_000_000, &mut out) }, CUresult::CUDA_SUCCESS);
        assert_eq!(out, [0x3341_181c_03cb_675c, 0x8ed3_83aa_1f4c_d1e8]);
        // SAFETY: valid storage.
        assert_eq!(unsafe { integrity(13001, 5, &mut out) }, CUresult::CUDA_SUCCESS);
        assert_eq!(out, [0x1841_181c_03cb_675c, 0x8ed3_83aa_1f4c_d1e8]);
        // SAFETY: null storage is refused.
        assert_eq!(unsafe { integrity(13000, 5, std::ptr::null_mut()) }, CUresult::CUDA_ERROR_INVALID_VALUE);
    }

    extern "C" fn record(_ctx: CUcontext, key: *mut c_void, value: *mut c_void) {
        DESTROYED.lock().unwrap().push((key as usize, value as usize));
    }
    static DESTROYED: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());

    #[test]
    fn context_local_storage_answers_as_measured() {
        let ctx = 0x7_0000 as CUcontext;
        let key = 0x1234 as *mut c_void;
        let mut v: *mut c_void = 0x99 as *mut c_void;
        // SAFETY: valid pointers throughout.
        unsafe {
            // No current context on this thread: 201.
            assert_eq!(cls_get(&mut v, null::<c_void>() as CUcontext, key), CUresult::CUDA_ERROR_INVALID_CONTEXT);
            assert_eq!(cls_put(null::<c_void>() as CUcontext, key, v, None), CUresult::CUDA_ERROR_INVALID_CONTEXT);
            assert_eq!(cls_get(&mut v, ctx, key), CUresult::CUDA_ERROR_INVALID_HANDLE);
            assert_eq!(v as usize, 0x99, "value untouched on a miss");
            assert_eq!(cls_put(ctx, key, 0x55 as *mut c_void, Some(record)), CUresult::CUDA_SUCCESS);
            assert_eq!(cls_put(ctx, key, 0x66 as *mut c_void, None), CUresult::CUDA_ERROR_INVALID_HANDLE, "no overwrite");
            assert_eq!(cls_get(&mut v, ctx, key), CUresult::CUDA_SUCCESS);
            assert_eq!(v as usize, 0x55);
            assert_eq!(cls_delete(ctx, key), CUresult::CUDA_SUCCESS);
            assert_eq!(cls_get(&mut v, ctx, key), CUresult::CUDA_ERROR_INVALID_HANDLE);
            assert_eq!(cls_delete(ctx, key), CUresult::CUDA_ERROR_INVALID_HANDLE);
            assert_eq!(cls_put(ctx, key, 0x77 as *mut c_void, Some(record)), CUresult::CUDA_SUCCESS);
        }
        context_gone(0x7_0000);
        assert_eq!(*DESTROYED.lock().unwrap(), vec![(0x1234, 0x77)], "the destructor runs once, when the context goes");
        // SAFETY: valid pointers.
        assert_eq!(unsafe { cls_get(&mut v, ctx, key) }, CUresult::CUDA_ERROR_INVALID_HANDLE);
    }

    #[test]
    fn tool_hook_buffers_have_the_measured_sizes() {
        let (mut p, mut n) = (null::<c_void>() as *mut c_void, 0usize);
        // SAFETY: valid pointers.
        unsafe {
            assert_eq!(hooks_buffer(&mut p, &mut n), CUresult::CUDA_SUCCESS);
            assert!(!p.is_null() && n == 1024);
            assert_eq!(hooks_small_buffer(&mut p, &mut n), CUresult::CUDA_SUCCESS);
            assert!(!p.is_null() && n == 14);
        }
    }

    #[test]
    fn context_checks_say_not_wrapped() {
        let mut wrapped = 7u32;
        let mut inner = 0x42 as *mut c_void;
        // SAFETY: valid pointers.
        unsafe {
            assert_eq!(checks_wrapped(null::<c_void>() as CUcontext, &mut wrapped, &mut inner), CUresult::CUDA_SUCCESS);
            assert_eq!(checks_zero(), 0);
        }
        assert_eq!((wrapped, inner as usize), (0, 0x42));
    }
}
