//! The exported C ABI: one `extern "C"` function per entry point of the
//! declaration list, named as in NVIDIA's library. Each runs
//! `<Shim as Driver>::name` behind [`crate::guard::call`].
//!
//! Also expanded from the list: [`export_address`], which maps an exported
//! name to its address for `cuGetProcAddress`, and [`EXPORTED_FUNCTIONS`].

use core::ffi::c_void;

#[allow(unused_imports)]
use crate::driver::Driver as _;

macro_rules! export_all {
    ($(fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(
            /// The CUDA driver entry point of this name.
            ///
            /// # Safety
            /// As for NVIDIA's function of the same name.
            #[unsafe(no_mangle)]
            #[allow(clippy::too_many_arguments)]
            pub unsafe extern "C" fn $name($($arg: $ty),*) -> $ret {
                crate::guard::call(stringify!($name), || {
                    // SAFETY: the caller upholds the driver function's contract,
                    // which is the contract of the Driver method.
                    unsafe { <crate::Shim as crate::driver::Driver>::$name($($arg),*) }
                })
            }
        )*

        /// The address of the exported function `symbol`, if it is one.
        pub fn export_address(symbol: &str) -> Option<*mut c_void> {
            match symbol {
                $(stringify!($name) => Some($name as *mut c_void),)*
                _ => None,
            }
        }

        /// The names of all exported functions, sorted.
        pub const EXPORTED_FUNCTIONS: &[&str] = &[$(stringify!($name)),*];
    };
}
cuvm_abi::cuda_function_declarations!(export_all);
