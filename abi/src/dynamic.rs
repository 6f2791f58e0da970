//! [`DriverTable`]: a CUDA driver library loaded at run time, with one
//! optional function pointer per entry point of the declaration list. A
//! symbol the library lacks is `None`, never a load failure: callers report
//! the call as unsupported.

use std::path::Path;

macro_rules! driver_table {
    ($(fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        /// Every entry point of a loaded driver library.
        #[allow(missing_docs)]
        pub struct DriverTable {
            $(pub $name: Option<unsafe extern "C" fn($($ty),*) -> $ret>,)*
            library: libloading::Library,
        }

        impl DriverTable {
            /// Loads the library at `path` (a file name such as
            /// `libcuda.so.1` is looked up in the loader's search path) and
            /// resolves every entry point it has.
            ///
            /// # Safety
            /// Loading a library runs its initialisers; `path` must name a
            /// CUDA driver library whose symbols have the declared signatures.
            ///
            /// # Errors
            /// The loader's error when the library cannot be loaded.
            pub unsafe fn load(path: &Path) -> Result<Self, libloading::Error> {
                // SAFETY: the caller vouches for the library.
                let library = unsafe { libloading::Library::new(path)? };
                Ok(Self {
                    $(
                        // SAFETY: the symbol has the declared C signature.
                        $name: unsafe {
                            library
                                .get::<unsafe extern "C" fn($($ty),*) -> $ret>(concat!(stringify!($name), "\0").as_bytes())
                                .ok()
                                .map(|s| *s)
                        },
                    )*
                    library,
                })
            }

            /// How many entry points the library provides.
            #[must_use]
            pub fn resolved(&self) -> usize {
                0 $(+ usize::from(self.$name.is_some()))*
            }

            /// The underlying library handle.
            #[must_use]
            pub fn library(&self) -> &libloading::Library {
                &self.library
            }
        }
    };
}
crate::cuda_function_declarations!(driver_table);
