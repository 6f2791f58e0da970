//! Forwarding generated from the declaration list, for entry points whose
//! arguments allow it: scalars, enums, handles (contexts, modules, functions,
//! streams, events) passed in, and single values or handles written through
//! out-pointers. The annotation table marks such functions `auto`; their
//! `Driver` default then marshals each argument through [`Wrap`]:
//!
//! - an in-value is encoded as it is (a handle as its id);
//! - an out-pointer is encoded as one byte, 1 if non-null (the host passes
//!   NULL on to the driver, which then answers as it does);
//! - after a successful reply, each non-null out-pointer receives its value.
//!
//! Argument types without an impl here cannot be auto-forwarded; a function
//! marked `auto` whose arguments include one answers `CUDA_ERROR_NOT_SUPPORTED`
//! (and a test fails). Device pointers are plain `u64`s at the type level, so
//! functions that take them are never `auto` (a test checks it): the host
//! could not know to check them.

use core::ffi::{c_int, c_uint, c_ulonglong};

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

/// An argument being marshalled.
pub struct Wrap<T>(pub T);

/// Marshalling of one argument type.
pub trait Marshal {
    /// Encodes the argument; `false` if its type cannot be auto-forwarded.
    fn put(&self, e: &mut Encoder) -> bool;
    /// Reads its out value from a reply, if it is an out-pointer.
    ///
    /// # Errors
    /// A malformed reply.
    fn take(&self, d: &mut Decoder<'_>) -> Result<(), CUresult>;
}

/// The fallback for every type without a [`Marshal`] impl (chosen by method
/// resolution only when no specific impl exists).
pub trait NotMarshalled {
    /// Always `false`.
    fn put(&self, _: &mut Encoder) -> bool {
        false
    }
    /// Nothing to read.
    ///
    /// # Errors
    /// Never.
    fn take(&self, _: &mut Decoder<'_>) -> Result<(), CUresult> {
        Ok(())
    }
}

impl<T> NotMarshalled for &Wrap<T> {}

fn bad(e: cuvm_wire::DecodeError) -> CUresult {
    crate::remote::protocol(e)
}

macro_rules! scalar {
    ($($t:ty => $put:ident, $get:ident);* $(;)?) => {$(
        impl Marshal for Wrap<$t> {
            fn put(&self, e: &mut Encoder) -> bool {
                e.$put(self.0 as _);
                true
            }
            fn take(&self, _: &mut Decoder<'_>) -> Result<(), CUresult> {
                Ok(())
            }
        }
        impl Marshal for Wrap<*mut $t> {
            fn put(&self, e: &mut Encoder) -> bool {
                e.bool(!self.0.is_null());
                true
            }
            fn take(&self, d: &mut Decoder<'_>) -> Result<(), CUresult> {
                if !self.0.is_null() {
                    let v = d.$get().map_err(bad)?;
                    // SAFETY: a non-null out-pointer of the caller's, valid for
                    // a write of its type by the driver function's contract.
                    unsafe { self.0.write(v as $t) };
                }
                Ok(())
            }
        }
    )*};
}

scalar! {
    c_int => i32, i32;
    c_uint => u32, u32;
    c_ulonglong => u64, u64;
    usize => u64, u64;
    f32 => f32, f32;
}

macro_rules! enums {
    ($($t:ident),* $(,)?) => {$(
        impl Marshal for Wrap<cuvm_abi::$t> {
            fn put(&self, e: &mut Encoder) -> bool {
                e.u32(self.0.0 as u32);
                true
            }
            fn take(&self, _: &mut Decoder<'_>) -> Result<(), CUresult> {
                Ok(())
            }
        }
        impl Marshal for Wrap<*mut cuvm_abi::$t> {
            fn put(&self, e: &mut Encoder) -> bool {
                e.bool(!self.0.is_null());
                true
            }
            fn take(&self, d: &mut Decoder<'_>) -> Result<(), CUresult> {
                if !self.0.is_null() {
                    let v = d.u32().map_err(bad)?;
                    // SAFETY: as for scalars.
                    unsafe { self.0.write(cuvm_abi::$t(v as _)) };
                }
                Ok(())
            }
        }
    )*};
}

cuvm_abi::auto_enum_types!(enums);

macro_rules! handles {
    ($($t:ident => $kind:ident),* $(,)?) => {$(
        impl Marshal for Wrap<cuvm_abi::$t> {
            fn put(&self, e: &mut Encoder) -> bool {
                e.u64(self.0 as usize as u64);
                true
            }
            fn take(&self, _: &mut Decoder<'_>) -> Result<(), CUresult> {
                Ok(())
            }
        }
        impl Marshal for Wrap<*mut cuvm_abi::$t> {
            fn put(&self, e: &mut Encoder) -> bool {
                e.bool(!self.0.is_null());
                true
            }
            fn take(&self, d: &mut Decoder<'_>) -> Result<(), CUresult> {
                if !self.0.is_null() {
                    let id = d.u64().map_err(bad)?;
                    // SAFETY: as for scalars.
                    unsafe { self.0.write(id as usize as cuvm_abi::$t) };
                }
                Ok(())
            }
        }
    )*};
}

cuvm_abi::auto_handle_types!(handles);

/// Whether `name` is marked `auto` in the annotation table.
#[must_use]
pub fn is_auto(name: &str) -> bool {
    cuvm_abi::annotations::lookup(name).is_some_and(|a| a.status == cuvm_abi::annotations::Status::Auto)
}
