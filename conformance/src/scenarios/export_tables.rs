//! `cuGetExportTable`: the private tables libcudart and NVIDIA's libraries
//! request, called with the argument shapes measured on the real driver
//! (`../shared/reference/export-tables.md`).

use std::ffi::c_void;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};

use cuvm_abi::{CUcontext, CUdevice_attribute, CUresult, CUuuid, integrity};

use crate::{Api, Scenario, Transcript, cu};

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario { name: "export_tables", needs_kernels: false, native_only: false, run: export_tables },
        Scenario { name: "tools_context_slots", needs_kernels: false, native_only: true, run: tools_context_slots },
    ]
}

const CUDART: &str = "6bd5fb6c5bf4e74a8987d93912fd9df9";
const HOOKS: &str = "a094798c2e742e7493f20800200c0a66";
const TOOLS_TLS: &str = "42d85a8123f6cb478298f6e78a3aecdc";
const CLS: &str = "c693336e1121df11a8c368f355d89593";
const CHECKS: &str = "263e88607cd2614392f6bbd5006dfa7e";
const INTEGRITY: &str = "d4082055bde6704b8d34ba123c66e1f2";
const TOOLS_CONTEXT: &str = "21318c60971432488ca641ff7324c8f2";
/// Every table a measured client requested, with its size word (0: none).
const REQUESTED: &[(&str, usize)] = &[
    ("f8cff95121468b4eb9e2fb469e7c0dd9", 0x18),
    (CUDART, 0x68),
    (HOOKS, 0x38),
    (TOOLS_TLS, 0x18),
    (CLS, 0),
    (CHECKS, 0x78),
    (INTEGRITY, 0x18),
    (TOOLS_CONTEXT, 0x2e8),
    ("69a28e9f24498b47b030c5da330ea4e9", 0x110),
    ("da9151d33ae6cc41a5c04f26d533e328", 0x38),
    ("6e163fbeb958444d835ce182aff1991e", 0x318),
];

fn uuid(hex: &str) -> CUuuid {
    let mut bytes = [0 as core::ffi::c_char; 16];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or(0) as core::ffi::c_char;
    }
    CUuuid { bytes }
}

fn table(api: &Api, t: &mut Transcript, hex: &str) -> Result<*const usize, String> {
    let mut p: *const c_void = null();
    t.ok(&format!("cuGetExportTable({hex})"), cu!(api.cuGetExportTable(&mut p, &uuid(hex))))?;
    t.check(&format!("table {hex} is not NULL"), !p.is_null())?;
    Ok(p.cast())
}

/// Slot `i` of a table, as a function of type `F`.
///
/// # Safety
/// The table has a non-NULL slot `i` whose function has type `F`.
unsafe fn slot<F: Copy>(table: *const usize, i: usize) -> F {
    assert_eq!(size_of::<F>(), size_of::<usize>());
    // SAFETY: per the contract.
    unsafe {
        let word = table.add(i).read();
        std::mem::transmute_copy(&word)
    }
}

static DESTRUCTOR_CALLS: AtomicUsize = AtomicUsize::new(0);
extern "C" fn destructor(_ctx: CUcontext, _key: *mut c_void, _value: *mut c_void) {
    DESTRUCTOR_CALLS.fetch_add(1, Ordering::SeqCst);
}

type Put =
    unsafe extern "C" fn(CUcontext, *mut c_void, *mut c_void, Option<extern "C" fn(CUcontext, *mut c_void, *mut c_void)>) -> CUresult;
type Delete = unsafe extern "C" fn(CUcontext, *mut c_void) -> CUresult;
type Get = unsafe extern "C" fn(*mut *mut c_void, CUcontext, *mut c_void) -> CUresult;

#[allow(clippy::too_many_lines)]
fn export_tables(api: &Api, t: &mut Transcript) -> Result<(), String> {
    t.ok("cuInit", cu!(api.cuInit(0)))?;
    for (hex, size) in REQUESTED {
        let p = table(api, t, hex)?;
        if *size != 0 {
            // SAFETY: a sized table starts with its size word.
            let word = unsafe { p.read() };
            t.check(&format!("table {hex} has size word {size:#x}"), word == *size)?;
        }
        let again = table(api, t, hex)?;
        t.check(&format!("table {hex} is the same on a second request"), again == p)?;
    }
    let mut p: *const c_void = 1 as *const c_void;
    t.call("cuGetExportTable(unknown uuid)", cu!(api.cuGetExportTable(&mut p, &uuid("195bcbf4d67d024aacc51d29cea631ae"))));
    t.check("an unknown table is NULL", p.is_null())?;

    let checks = table(api, t, CHECKS)?;
    // SAFETY: measured shape: no arguments, a u32 answer.
    let zero = unsafe { slot::<unsafe extern "C" fn() -> u32>(checks, 3)() };
    t.value("context checks slot 3 before any context", zero);

    let cls = table(api, t, CLS)?;
    // SAFETY: slots 0-2 of the context-local storage table are put, delete, get.
    let (put, delete, get) = unsafe { (slot::<Put>(cls, 0), slot::<Delete>(cls, 1), slot::<Get>(cls, 2)) };
    let key = 0x5151usize as *mut c_void;
    let mut value: *mut c_void = null_mut();
    // SAFETY: measured argument shapes.
    t.call("CLS get, NULL context, none current", unsafe { get(&mut value, null_mut(), key) });

    let cudart = table(api, t, CUDART)?;
    type PrimaryOf = unsafe extern "C" fn(*mut CUcontext, i32) -> CUresult;
    // SAFETY: measured shape.
    let primary_of = unsafe { slot::<PrimaryOf>(cudart, 2) };
    let mut primary: CUcontext = null_mut();
    // SAFETY: valid storage.
    t.ok("cudart slot 2 (device 0)", unsafe { primary_of(&mut primary, 0) })?;
    t.check("cudart slot 2 gives a context", !primary.is_null())?;
    let (mut flags, mut active) = (7u32, 7i32);
    t.ok("cuDevicePrimaryCtxGetState", cu!(api.cuDevicePrimaryCtxGetState(0, &mut flags, &mut active)))?;
    t.value("primary flags and active after slot 2", (flags, active));
    let mut cur: CUcontext = 1 as CUcontext;
    t.ok("cuCtxGetCurrent", cu!(api.cuCtxGetCurrent(&mut cur)))?;
    t.check("slot 2 made nothing current", cur.is_null())?;
    let mut other: CUcontext = null_mut();
    // SAFETY: valid storage.
    t.call("cudart slot 2 (device 99)", unsafe { primary_of(&mut other, 99) });
    let mut retained: CUcontext = null_mut();
    t.ok("cuDevicePrimaryCtxRetain", cu!(api.cuDevicePrimaryCtxRetain(&mut retained, 0)))?;
    t.check("retain returns the handle slot 2 gave", retained == primary)?;
    t.ok("cuCtxSetCurrent(primary)", cu!(api.cuCtxSetCurrent(primary)))?;

    let tls = table(api, t, TOOLS_TLS)?;
    let mut buf = [0u64; 4];
    // SAFETY: measured shape: caller storage, one more argument.
    t.ok("tools TLS slot 2", unsafe { slot::<unsafe extern "C" fn(*mut u64, usize) -> CUresult>(tls, 2)(buf.as_mut_ptr(), 0) })?;
    t.check("tools TLS slot 2 writes the current context", buf[0] == primary as u64)?;

    let mut wrapped = 9u32;
    let mut inner = 0x77usize as *mut c_void;
    type Wrapped = unsafe extern "C" fn(CUcontext, *mut u32, *mut *mut c_void) -> CUresult;
    // SAFETY: measured shape.
    t.ok("context checks slot 2", unsafe { slot::<Wrapped>(checks, 2)(primary, &mut wrapped, &mut inner) })?;
    t.value("context checks slot 2 flag", wrapped);
    t.check("context checks slot 2 leaves the pointer", inner as usize == 0x77)?;

    let tools = table(api, t, TOOLS_CONTEXT)?;
    let mut id = 0u64;
    // SAFETY: measured shape.
    t.ok("tools context slot 4", unsafe { slot::<unsafe extern "C" fn(CUcontext, *mut u64) -> CUresult>(tools, 4)(primary, &mut id) })?;
    let mut ctx_id = 0u64;
    t.ok("cuCtxGetId", cu!(api.cuCtxGetId(primary, &mut ctx_id)))?;
    t.check("tools context slot 4 is cuCtxGetId", id == ctx_id)?;

    // SAFETY: measured argument shapes throughout.
    unsafe {
        t.call("CLS get, missing key", get(&mut value, null_mut(), key));
        t.ok("CLS put", put(null_mut(), key, 0x1111usize as *mut c_void, None))?;
        t.call("CLS put, existing key", put(null_mut(), key, 0x2222usize as *mut c_void, None));
        t.ok("CLS get", get(&mut value, null_mut(), key))?;
        t.check("CLS get gives what was put", value as usize == 0x1111)?;
        t.ok("CLS delete (explicit context)", delete(primary, key))?;
        t.call("CLS get after delete", get(&mut value, null_mut(), key));
        t.call("CLS delete, missing key", delete(null_mut(), key));
        t.ok("CLS put with a destructor", put(null_mut(), key, 0x3333usize as *mut c_void, Some(destructor)))?;
    }
    t.ok("cuDevicePrimaryCtxReset", cu!(api.cuDevicePrimaryCtxReset_v2(0)))?;
    t.value("CLS destructor calls after the primary reset", DESTRUCTOR_CALLS.load(Ordering::SeqCst));

    let hooks = table(api, t, HOOKS)?;
    // These slots return nothing (GPU run 10: the real driver's return
    // register holds garbage), so only what they write is compared.
    type Buffer = unsafe extern "C" fn(*mut *mut c_void, *mut usize);
    let (mut ptr, mut len) = (null_mut(), 0usize);
    // SAFETY: measured shape.
    unsafe { slot::<Buffer>(hooks, 2)(&mut ptr, &mut len) };
    t.value("hooks slot 2 size", len);
    t.check("hooks slot 2 buffer", !ptr.is_null())?;
    // SAFETY: measured shape.
    unsafe { slot::<Buffer>(hooks, 6)(&mut ptr, &mut len) };
    t.value("hooks slot 6 size", len);

    let integrity = table(api, t, INTEGRITY)?;
    type Check = unsafe extern "C" fn(u32, u64, *mut [u64; 2]) -> CUresult;
    // SAFETY: measured shape.
    let check = unsafe { slot::<Check>(integrity, 1) };
    for version in [13000u32, 13001] {
        let mut out = [0u64; 2];
        // SAFETY: valid storage.
        t.ok(&format!("integrity slot 1 ({version})"), unsafe { check(version, 1_790_000_000, &mut out) })?;
        t.value(&format!("integrity answer ({version})"), format!("{:#018x} {:#018x}", out[0], out[1]));
    }
    // The computed case: libcudart checks the answer against its own
    // computation from this process's tables, thread and devices.
    let mut driver_version = 0;
    t.ok("cuDriverGetVersion", cu!(api.cuDriverGetVersion(&mut driver_version)))?;
    let devices = integrity_devices(api, t)?;
    for version in [13002u32, 13022, 12082] {
        let unix_seconds = 1_790_000_000;
        let mut out = [0u64; 2];
        // SAFETY: valid storage.
        t.ok(&format!("integrity slot 1 ({version})"), unsafe { check(version, unix_seconds, &mut out) })?;
        let inputs = integrity::Inputs {
            driver_version: driver_version.cast_unsigned(),
            version,
            process_id: std::process::id(),
            // Only the low 32 bits are hashed.
            #[allow(clippy::cast_possible_truncation)]
            // SAFETY: always safe to call.
            thread_id: unsafe { libc::pthread_self() } as u32,
            cudart_table: cudart as u64,
            integrity_table: integrity as u64,
            // SAFETY: slot 1 of the three-word table.
            slot1_function: unsafe { integrity.add(1).read() } as u64,
            unix_seconds,
        };
        let model = integrity::answer(&inputs, &devices);
        if out != model {
            eprintln!("integrity {version}: library {out:#x?}, model {model:#x?} from {inputs:#x?} and {devices:x?}");
        }
        t.check(&format!("integrity answer ({version}) is the keyed hash of this process's tables, thread and devices"), out == model)?;
    }
    t.ok("cuDevicePrimaryCtxRelease", cu!(api.cuDevicePrimaryCtxRelease_v2(0)))?;
    Ok(())
}

/// UUID and PCI location of every device, as the library reports them.
fn integrity_devices(api: &Api, t: &mut Transcript) -> Result<Vec<integrity::Device>, String> {
    let mut count = 0;
    t.ok("cuDeviceGetCount", cu!(api.cuDeviceGetCount(&mut count)))?;
    let mut devices = Vec::new();
    for dev in 0..count {
        let mut id = CUuuid::default();
        t.ok("cuDeviceGetUuid_v2", cu!(api.cuDeviceGetUuid_v2(&mut id, dev)))?;
        let mut attr = |a: CUdevice_attribute| -> Result<i32, String> {
            let mut v = 0;
            t.ok("cuDeviceGetAttribute (PCI)", cu!(api.cuDeviceGetAttribute(&mut v, a, dev)))?;
            Ok(v)
        };
        devices.push(integrity::Device {
            uuid: id.bytes.map(core::ffi::c_char::cast_unsigned),
            pci_domain: attr(CUdevice_attribute::CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID)?,
            pci_bus: attr(CUdevice_attribute::CU_DEVICE_ATTRIBUTE_PCI_BUS_ID)?,
            pci_device: attr(CUdevice_attribute::CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID)?,
        });
    }
    Ok(devices)
}

/// Slots 51 and 39 of the tools-context table, called as cuBLASLt 13 calls
/// them (measured with `scripts/probes/table-trace.c` under CuPy): slot 51
/// makes an object bound to the context, slot 39 answers a small integer for
/// it. Served by the host's driver through cuvm, so native-backend only.
fn tools_context_slots(api: &Api, t: &mut Transcript) -> Result<(), String> {
    let ctx = super::setup(api, t)?;
    let tools = table(api, t, TOOLS_CONTEXT)?;
    type Make = unsafe extern "C" fn(CUcontext, u64, *mut *mut u64, u64) -> CUresult;
    type Query = unsafe extern "C" fn(CUcontext, *mut u64, *mut u64) -> CUresult;
    // SAFETY: measured shapes.
    let (make, query) = unsafe { (slot::<Make>(tools, 51), slot::<Query>(tools, 39)) };
    let mut object: *mut u64 = null_mut();
    // SAFETY: measured argument shapes.
    t.call("tools context slot 51 (context, 0, out, 0)", unsafe { make(ctx, 0, &mut object, 0) });
    t.check("slot 51 wrote an object", !object.is_null())?;
    // SAFETY: measured: the object's first four words are readable.
    let words = unsafe { std::slice::from_raw_parts(object, 4) };
    t.value("object word 0, word 1, word 3", (words[0], words[1], words[3]));
    t.check("object word 2 is the context", words[2] == ctx as usize as u64)?;
    let mut value = 0u64;
    // SAFETY: measured argument shapes.
    t.call("tools context slot 39 (context, object, out)", unsafe { query(ctx, object, &mut value) });
    t.value("slot 39's value", value);
    super::teardown(api, t)
}
