//! Calls generated from the declaration list, for entry points the
//! annotation table marks `auto` (see `shim/src/auto.rs` for the guest side
//! and the encoding). Each argument is decoded through [`HostWrap`]: scalars
//! and enums as they are, handles mapped from the guest's ids, out-pointers
//! replaced by storage on the host (or NULL when the guest passed NULL);
//! then the backend's own entry point of the same name is called, and the
//! out values are sent back, new handles registered as ids. Only the native
//! backend offers its entry points this way; the emulated one answers
//! `CUDA_ERROR_NOT_SUPPORTED`.

use core::ffi::{c_int, c_uint};
use std::marker::PhantomData;

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder, ops};

use super::stream_raw;
use crate::backend::NOT_SUPPORTED;
use crate::session::handles::{Entry, Kind};
use crate::session::{Fail, HResult, Session, ok};

/// An argument of type `T` being decoded.
pub struct HostWrap<T>(PhantomData<T>);

impl<T> HostWrap<T> {
    /// A marker for `T`.
    #[must_use]
    pub const fn new() -> Self {
        HostWrap(PhantomData)
    }
}

impl<T> Default for HostWrap<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Decoding one argument type.
pub trait HostArg<T> {
    /// Storage for the argument on the host.
    type Slot;
    /// Reads the argument from the call.
    ///
    /// # Errors
    /// A malformed body, or an invalid handle.
    fn decode(&self, s: &Session, a: &mut Decoder<'_>) -> Result<Self::Slot, Fail>;
    /// The value to pass to the driver.
    fn arg(&self, slot: &mut Self::Slot) -> T;
    /// Writes the out value, if this is an out-pointer.
    ///
    /// # Errors
    /// Never for scalars.
    fn put_out(&self, slot: &Self::Slot, s: &mut Session, e: &mut Encoder) -> Result<(), Fail>;
}

/// The fallback: the type cannot be auto-forwarded.
pub trait NotAuto<T> {
    /// Always refuses.
    ///
    /// # Errors
    /// `CUDA_ERROR_NOT_SUPPORTED`.
    fn decode(&self, _: &Session, _: &mut Decoder<'_>) -> Result<(), Fail> {
        Err(NOT_SUPPORTED.into())
    }
    /// Unreachable: `decode` failed first.
    fn arg(&self, _: &mut ()) -> T {
        // SAFETY: never reached (decode always fails first); every type of
        // the declaration list is plain data for which zero is valid anyway.
        unsafe { core::mem::zeroed() }
    }
    /// Nothing.
    ///
    /// # Errors
    /// Never.
    fn put_out(&self, _: &(), _: &mut Session, _: &mut Encoder) -> Result<(), Fail> {
        Ok(())
    }
}

impl<T> NotAuto<T> for &HostWrap<T> {}

macro_rules! scalar {
    ($($t:ty => $get:ident, $put:ident);* $(;)?) => {$(
        impl HostArg<$t> for HostWrap<$t> {
            type Slot = $t;
            fn decode(&self, _: &Session, a: &mut Decoder<'_>) -> Result<$t, Fail> {
                Ok(a.$get()? as $t)
            }
            fn arg(&self, slot: &mut $t) -> $t {
                *slot
            }
            fn put_out(&self, _: &$t, _: &mut Session, _: &mut Encoder) -> Result<(), Fail> {
                Ok(())
            }
        }
        impl HostArg<*mut $t> for HostWrap<*mut $t> {
            type Slot = (bool, $t);
            fn decode(&self, _: &Session, a: &mut Decoder<'_>) -> Result<(bool, $t), Fail> {
                Ok((a.bool()?, Default::default()))
            }
            fn arg(&self, slot: &mut (bool, $t)) -> *mut $t {
                if slot.0 { &raw mut slot.1 } else { std::ptr::null_mut() }
            }
            fn put_out(&self, slot: &(bool, $t), _: &mut Session, e: &mut Encoder) -> Result<(), Fail> {
                if slot.0 {
                    e.$put(slot.1 as _);
                }
                Ok(())
            }
        }
    )*};
}

scalar! {
    c_int => i32, i32;
    c_uint => u32, u32;
    u64 => u64, u64;
    usize => u64, u64;
    f32 => f32, f32;
}

macro_rules! enums {
    ($($t:ident),* $(,)?) => {$(
        impl HostArg<cuvm_abi::$t> for HostWrap<cuvm_abi::$t> {
            type Slot = cuvm_abi::$t;
            fn decode(&self, _: &Session, a: &mut Decoder<'_>) -> Result<cuvm_abi::$t, Fail> {
                Ok(cuvm_abi::$t(a.u32()? as _))
            }
            fn arg(&self, slot: &mut cuvm_abi::$t) -> cuvm_abi::$t {
                *slot
            }
            fn put_out(&self, _: &cuvm_abi::$t, _: &mut Session, _: &mut Encoder) -> Result<(), Fail> {
                Ok(())
            }
        }
        impl HostArg<*mut cuvm_abi::$t> for HostWrap<*mut cuvm_abi::$t> {
            type Slot = (bool, cuvm_abi::$t);
            fn decode(&self, _: &Session, a: &mut Decoder<'_>) -> Result<(bool, cuvm_abi::$t), Fail> {
                Ok((a.bool()?, cuvm_abi::$t(0)))
            }
            fn arg(&self, slot: &mut (bool, cuvm_abi::$t)) -> *mut cuvm_abi::$t {
                if slot.0 { &raw mut slot.1 } else { std::ptr::null_mut() }
            }
            fn put_out(&self, slot: &(bool, cuvm_abi::$t), _: &mut Session, e: &mut Encoder) -> Result<(), Fail> {
                if slot.0 {
                    e.u32(slot.1.0 as u32);
                }
                Ok(())
            }
        }
    )*};
}

cuvm_abi::auto_enum_types!(enums);

macro_rules! handles {
    ($($t:ident => $kind:ident),* $(,)?) => {$(
        impl HostArg<cuvm_abi::$t> for HostWrap<cuvm_abi::$t> {
            type Slot = u64;
            fn decode(&self, s: &Session, a: &mut Decoder<'_>) -> Result<u64, Fail> {
                let id = a.u64()?;
                if id == 0 {
                    return Ok(0);
                }
                if Kind::$kind == Kind::Stream {
                    return stream_raw(s, id);
                }
                Ok(s.handles.raw(id, Kind::$kind)?)
            }
            fn arg(&self, slot: &mut u64) -> cuvm_abi::$t {
                *slot as usize as cuvm_abi::$t
            }
            fn put_out(&self, _: &u64, _: &mut Session, _: &mut Encoder) -> Result<(), Fail> {
                Ok(())
            }
        }
        impl HostArg<*mut cuvm_abi::$t> for HostWrap<*mut cuvm_abi::$t> {
            type Slot = (bool, cuvm_abi::$t);
            fn decode(&self, _: &Session, a: &mut Decoder<'_>) -> Result<(bool, cuvm_abi::$t), Fail> {
                Ok((a.bool()?, std::ptr::null_mut()))
            }
            fn arg(&self, slot: &mut (bool, cuvm_abi::$t)) -> *mut cuvm_abi::$t {
                if slot.0 { &raw mut slot.1 } else { std::ptr::null_mut() }
            }
            fn put_out(&self, slot: &(bool, cuvm_abi::$t), s: &mut Session, e: &mut Encoder) -> Result<(), Fail> {
                if !slot.0 {
                    return Ok(());
                }
                let raw = slot.1 as usize as u64;
                let id = if raw == 0 || (Kind::$kind == Kind::Stream && crate::backend::SPECIAL_STREAMS.contains(&raw)) {
                    raw
                } else {
                    match s.handles.find(Kind::$kind, raw) {
                        Some(id) => id,
                        // A handle the session has not seen: register it, so
                        // that no raw host value ever reaches the guest.
                        None => s.handles.insert(Entry { kind: Kind::$kind, raw, ctx: s.current, parent: 0 }),
                    }
                };
                e.u64(id);
                Ok(())
            }
        }
    )*};
}

cuvm_abi::auto_handle_types!(handles);

fn is_auto(name: &str) -> bool {
    cuvm_abi::annotations::lookup(name).is_some_and(|a| a.status == cuvm_abi::annotations::Status::Auto)
}

macro_rules! auto_dispatch {
    ($(fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        /// Runs op `op` if its entry point is marked `auto`; `None` otherwise.
        #[allow(unused_variables, unused_mut, clippy::too_many_lines)]
        pub fn dispatch(s: &mut Session, op: u32, a: &mut Decoder<'_>) -> Option<HResult> {
            #[allow(unused_imports)]
            use self::{HostArg as _, NotAuto as _};
            match op {
                $(
                    ops::$name => {
                        if !is_auto(stringify!($name)) {
                            return None;
                        }
                        Some((|| -> HResult {
                            let f = s.backend.table().and_then(|t| t.$name).ok_or(NOT_SUPPORTED)?;
                            $( let mut $arg = (&HostWrap::<$ty>::new()).decode(s, a)?; )*
                            // SAFETY: the arguments were decoded into the entry
                            // point's own types; out-pointers point at storage
                            // that lives until after the call.
                            let result: CUresult = unsafe { f($((&HostWrap::<$ty>::new()).arg(&mut $arg)),*) };
                            result.into_result()?;
                            let mut e = Encoder::new();
                            $( (&HostWrap::<$ty>::new()).put_out(&$arg, s, &mut e)?; )*
                            ok(e)
                        })())
                    }
                )*
                _ => None,
            }
        }
    };
}

cuvm_abi::cuda_function_declarations!(auto_dispatch);
