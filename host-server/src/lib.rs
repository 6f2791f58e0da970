//! cuvm-host: serves the CUDA driver API to guest VMs.
//!
//! - [`config`]: the command line;
//! - [`listener`]: vsock, hybrid vsock (Firecracker / Cloud Hypervisor),
//!   Unix and TCP listeners; one session per connection;
//! - [`session`]: a guest connection's state (handles, allocations, deferred
//!   errors), its frame loop and its cleanup;
//! - [`api`]: the call handlers, one module per API area;
//! - [`backend`]: what executes calls: `native` (NVIDIA's driver) or
//!   `emulated` (a software GPU for machines without one).
//!
//! This first slice runs each session on a thread of one process; nothing in
//! a session reaches another session's state (see the README for the
//! per-VM worker process still to come).

pub mod api;
pub mod backend;
pub mod config;
pub mod listener;
pub mod session;
pub mod vm;
