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
//! Process model: the listener process holds no CUDA context; every guest
//! connection is served by a worker process of its own (`--session-worker`,
//! see [`listener`]), so that a fault or crash in one session cannot reach
//! another; the sessions of a VM share its quota ([`vm`]) and its registry of
//! interprocess handles ([`ipc`]). A worker whose guest has gone but which
//! is held in the driver (a wait or a kernel that never ends) is ended by its
//! [`watchdog`], so that the driver frees what it held.

pub mod api;
pub mod backend;
pub mod config;
pub mod ipc;
pub mod listener;
pub mod session;
pub mod vm;
pub mod watchdog;
