//! `cuGetProcAddress_v2` of the built guest library answers every row of the
//! table measured on the real driver (name, flags, CUDA version) with the same
//! symbol (its own export of that name) or the same status.

mod common;

use std::ffi::{CString, c_char, c_int, c_void};

type GetProcAddressV2 = unsafe extern "C" fn(*const c_char, *mut *mut c_void, c_int, u64, *mut u32) -> u32;

struct Library(*mut c_void);

impl Library {
    fn open() -> Library {
        let path = CString::new(common::shim_library().to_str().expect("utf-8 path")).expect("no NUL");
        // SAFETY: a valid C string; RTLD_LOCAL keeps the symbols out of the global scope.
        let handle = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        assert!(!handle.is_null(), "dlopen failed");
        Library(handle)
    }

    fn symbol(&self, name: &str) -> *mut c_void {
        let name = CString::new(name).expect("no NUL");
        // SAFETY: a live handle and a valid C string.
        unsafe { libc::dlsym(self.0, name.as_ptr()) }
    }
}

#[test]
fn every_measured_row_matches_the_real_driver() {
    let lib = Library::open();
    let gpa = lib.symbol("cuGetProcAddress_v2");
    assert!(!gpa.is_null());
    // SAFETY: the export has this C signature.
    let gpa: GetProcAddressV2 = unsafe { std::mem::transmute(gpa) };
    let reference = common::reference("getprocaddress-580.159.04.txt");
    let (mut rows, mut matching) = (0, 0);
    let mut mismatches = Vec::new();
    for line in reference.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let [name, flags, version, answer] = cols[..] else { panic!("malformed row {line}") };
        rows += 1;
        let cname = CString::new(name).expect("no NUL");
        let mut pfn: *mut c_void = std::ptr::dangling_mut();
        let mut status = 77u32;
        // SAFETY: valid C string and out-pointers.
        let rc = unsafe { gpa(cname.as_ptr(), &mut pfn, version.parse().expect("version"), flags.parse().expect("flags"), &mut status) };
        let got = if rc == 0 && status == 0 && !pfn.is_null() {
            if pfn == lib.symbol(answer) { answer.to_string() } else { format!("{pfn:?} (not the export {answer})") }
        } else if pfn.is_null() {
            format!("ERR{rc}/st{status}")
        } else {
            format!("rc {rc} status {status} with a non-null pointer")
        };
        if got == answer {
            matching += 1;
        } else {
            mismatches.push(format!("{line} -> {got}"));
        }
    }
    println!("cuGetProcAddress rows matching: {matching}/{rows}");
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    assert_eq!(rows, 1973);
}
