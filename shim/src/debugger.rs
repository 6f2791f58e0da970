//! The data symbols of NVIDIA's library: variables that cuda-gdb reads and
//! writes in a debugged process. cuvm exports them with their real sizes,
//! zero-initialised (in .bss), so that a program or tool that looks them up
//! finds them; nothing in cuvm reads them. A debugger belongs on the host,
//! attached to cuvm-host.

use core::cell::UnsafeCell;

/// A zero-initialised, writable exported variable.
#[repr(transparent)]
pub struct DebuggerVariable<T>(UnsafeCell<T>);

// SAFETY: cuvm never reads or writes these variables; only an external
// debugger does, which synchronises with the process itself.
unsafe impl<T> Sync for DebuggerVariable<T> {}

impl<T> DebuggerVariable<T> {
    const fn zeroed(value: T) -> Self {
        Self(UnsafeCell::new(value))
    }
}

macro_rules! debugger_variables {
    ($($name:ident: $ty:ty = $zero:expr;)*) => {
        $(
            #[unsafe(no_mangle)]
            #[allow(non_upper_case_globals)]
            /// A debugger variable of NVIDIA's library, exported zeroed.
            pub static $name: DebuggerVariable<$ty> = DebuggerVariable::zeroed($zero);
        )*
        /// (name, size in bytes) of every exported debugger variable.
        pub const DEBUGGER_VARIABLES: &[(&str, usize)] = &[$((stringify!($name), core::mem::size_of::<$ty>())),*];
    };
}

debugger_variables! {
    cudbgApiClientPid: u32 = 0;
    cudbgApiClientRevision: u32 = 0;
    cudbgAttachHandlerAvailable: u32 = 0;
    cudbgDebuggerCapabilities: u32 = 0;
    cudbgDebuggerInitialized: u32 = 0;
    cudbgDetachSuspendedDevicesMask: u32 = 0;
    cudbgEnableIntegratedMemcheck: u32 = 0;
    cudbgEnableLaunchBlocking: u32 = 0;
    cudbgEnablePreemptionDebugging: u32 = 0;
    cudbgInjectionPath: [u8; 4096] = [0; 4096];
    cudbgIpcFlag: u32 = 0;
    cudbgReportDriverApiErrorFlags: u32 = 0;
    cudbgReportedDriverApiErrorCode: u64 = 0;
    cudbgReportedDriverApiErrorFuncNameAddr: u64 = 0;
    cudbgReportedDriverApiErrorFuncNameSize: u64 = 0;
    cudbgReportedDriverApiErrorNameAddr: u64 = 0;
    cudbgReportedDriverApiErrorNameSize: u64 = 0;
    cudbgReportedDriverApiErrorSource: u32 = 0;
    cudbgReportedDriverApiErrorStringAddr: u64 = 0;
    cudbgReportedDriverApiErrorStringSize: u64 = 0;
    cudbgReportedDriverInternalErrorCode: u64 = 0;
    cudbgResumeForAttachDetach: u32 = 0;
    cudbgRpcEnabled: u32 = 0;
    cudbgSessionId: u32 = 0;
    cudbgUseExternalDebugger: u32 = 0;
}
