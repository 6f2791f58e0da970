//! The emulated JIT linker and interprocess handles.
//!
//! Linking: only PTX inputs are accepted (the emulated backend compiles
//! nothing); each is checked with the PTX reader the module loader uses,
//! and completing gives the inputs' PTX texts one after the other, NUL
//! terminated: an image `cuModuleLoadData` of this backend loads, with the
//! kernels of every input. Logs say what was added and what was refused.
//!
//! Interprocess handles: memory and events can be exported (the driver's
//! rules are checked: the base of a live allocation; an event created with
//! `CU_EVENT_INTERPROCESS | CU_EVENT_DISABLE_TIMING`), but opening answers
//! `CUDA_ERROR_NOT_SUPPORTED`: emulated memory lives in the worker process
//! of the session that allocated it, out of reach of the others.

use cuvm_abi::{CUjit_option as O, CUresult};

use crate::backend::{CuResult, JitOption, LinkLogs, MAX_JIT_LOG};

/// `CU_JIT_INPUT_PTX`.
const INPUT_PTX: u32 = 1;
/// `CU_EVENT_DISABLE_TIMING | CU_EVENT_INTERPROCESS`.
const INTERPROCESS_EVENT: u32 = 0x2 | 0x4;

/// One linker.
#[derive(Debug, Default)]
pub struct Link {
    options: Vec<JitOption>,
    ptx: String,
    inputs: usize,
    info: String,
    error: String,
}

impl Link {
    /// A linker with these creation options.
    pub fn new(options: &[JitOption]) -> Self {
        Link { options: options.to_vec(), ..Link::default() }
    }

    /// Adds one input.
    ///
    /// # Errors
    /// `CUDA_ERROR_NOT_SUPPORTED` for anything but PTX,
    /// `CUDA_ERROR_INVALID_PTX` for text the PTX reader refuses.
    pub fn add(&mut self, kind: u32, data: &[u8], name: &str) -> CuResult<()> {
        if kind != INPUT_PTX {
            self.error.push_str(&format!("emulated linker: {name}: only PTX inputs can be linked (input type {kind})\n"));
            return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED);
        }
        let text = data.split(|b| *b == 0).next().unwrap_or(&[]);
        let parsed = std::str::from_utf8(text).map_err(|_| "not UTF-8 text".to_string()).and_then(|t| super::ptx::parse(t).map(|m| (t, m)));
        match parsed {
            Ok((t, m)) => {
                self.ptx.push_str(t);
                self.ptx.push('\n');
                self.inputs += 1;
                self.info.push_str(&format!("emulated linker: {name}: {} kernels\n", m.entries.len()));
                Ok(())
            }
            Err(e) => {
                self.error.push_str(&format!("emulated linker: {name}: {e}\n"));
                Err(CUresult::CUDA_ERROR_INVALID_PTX)
            }
        }
    }

    /// The linked image.
    ///
    /// # Errors
    /// `CUDA_ERROR_INVALID_VALUE` when nothing was added.
    pub fn complete(&mut self) -> CuResult<Vec<u8>> {
        if self.inputs == 0 {
            self.error.push_str("emulated linker: nothing to link\n");
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut image = self.ptx.clone().into_bytes();
        image.push(0);
        self.info.push_str(&format!("emulated linker: linked {} inputs into {} bytes of PTX\n", self.inputs, image.len()));
        Ok(image)
    }

    /// The logs, capped at the sizes asked (with room for the NUL), and the
    /// option values: filled sizes, a wall time of 0.
    pub fn logs(&self) -> LinkLogs {
        let size = |which: O| self.options.iter().rev().find(|(o, _)| *o == which.0).map_or(0, |(_, v)| (*v).min(MAX_JIT_LOG));
        let cap = |text: &str, size: u64| {
            let keep = usize::try_from(size.saturating_sub(1)).unwrap_or(0).min(text.len());
            text.as_bytes()[..keep].to_vec()
        };
        let info = cap(&self.info, size(O::CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES));
        let error = cap(&self.error, size(O::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES));
        let filled = |text: &[u8]| if text.is_empty() { 0 } else { text.len() as u64 + 1 };
        let values = self
            .options
            .iter()
            .map(|(o, v)| match O(*o) {
                O::CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES => filled(&info),
                O::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES => filled(&error),
                O::CU_JIT_WALL_TIME => u64::from(0f32.to_bits()),
                _ => *v,
            })
            .collect();
        LinkLogs { info, error, values }
    }
}

/// The emulated driver's handle for memory at `ptr` or event `raw`.
pub fn handle(tag: &[u8; 16], value: u64) -> [u8; 64] {
    let mut h = [0u8; 64];
    h[..16].copy_from_slice(tag);
    h[16..24].copy_from_slice(&value.to_le_bytes());
    h
}

/// Tag of an emulated memory handle.
pub const MEM_TAG: &[u8; 16] = b"cuvm-emulated-mm";
/// Tag of an emulated event handle.
pub const EVENT_TAG: &[u8; 16] = b"cuvm-emulated-ev";

/// Whether an event with `flags` may be exported.
///
/// # Errors
/// `CUDA_ERROR_INVALID_VALUE` unless it is interprocess and untimed.
pub fn check_exportable_event(flags: u32) -> CuResult<()> {
    if flags & INTERPROCESS_EVENT == INTERPROCESS_EVENT { Ok(()) } else { Err(CUresult::CUDA_ERROR_INVALID_VALUE) }
}

/// Opening: not possible here (logged once).
///
/// # Errors
/// Always `CUDA_ERROR_NOT_SUPPORTED`.
pub fn refuse_open<T>(what: &str) -> CuResult<T> {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        log::warn!(
            "emulated backend: {what}: interprocess handles can be exported but not opened (emulated memory and events live in \
             the exporting session's worker process); returning CUDA_ERROR_NOT_SUPPORTED"
        );
    });
    Err(CUresult::CUDA_ERROR_NOT_SUPPORTED)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PTX: &[u8] = b".version 8.0\n.target sm_75\n.address_size 64\n.visible .entry k(.param .u64 p)\n{\n ret;\n}\n\0";

    #[test]
    fn linking_ptx_gives_an_image_the_module_loader_reads() {
        let mut l = Link::new(&[(O::CU_JIT_INFO_LOG_BUFFER.0, 0), (O::CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES.0, 4096)]);
        l.add(INPUT_PTX, PTX, "a").unwrap();
        l.add(INPUT_PTX, &PTX.iter().map(|b| if *b == b'k' { b'j' } else { *b }).collect::<Vec<_>>(), "b").unwrap();
        let image = l.complete().unwrap();
        let m = super::super::image::parse(&image).unwrap();
        assert_eq!(m.entries.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["k", "j"]);
        let logs = l.logs();
        assert!(String::from_utf8_lossy(&logs.info).contains("linked 2 inputs"));
        assert_eq!(logs.values[1], logs.info.len() as u64 + 1);
    }

    #[test]
    fn bad_inputs_are_refused_with_an_error_log_capped_at_its_size() {
        let mut l = Link::new(&[(O::CU_JIT_ERROR_LOG_BUFFER.0, 0), (O::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES.0, 10)]);
        assert_eq!(l.add(INPUT_PTX, b"garbage\0", "x"), Err(CUresult::CUDA_ERROR_INVALID_PTX));
        assert_eq!(l.add(0, b"\x7fELF", "y"), Err(CUresult::CUDA_ERROR_NOT_SUPPORTED));
        assert_eq!(l.complete(), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        let logs = l.logs();
        assert_eq!(logs.error.len(), 9);
        assert_eq!(logs.values[1], 10);
    }
}
