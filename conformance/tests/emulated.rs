//! Every scenario through cuvm's guest library against a cuvm-host with the
//! emulated backend that this test starts itself. Scenarios that need
//! kernels are skipped by name, with the reason printed.

mod common;

use std::process::Command;
use std::sync::OnceLock;

use common::{Host, target_dir};

fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| Host::start(std::env::temp_dir().join(format!("cuvm-emulated-test-{}.sock", std::process::id()))))
}

fn run(name: &str) {
    let scenario = cuvm_conformance::all().into_iter().find(|s| s.name == name).expect("scenario exists");
    if scenario.needs_kernels {
        println!("skipped {name}: it runs kernels, and the emulated backend cannot");
        return;
    }
    if scenario.native_only {
        println!("skipped {name}: it uses calls forwarded by generated code, which only the native backend serves");
        return;
    }
    let shim = target_dir().join("libcuda.so");
    assert!(shim.exists(), "{} is not built: run `make test` (or `cargo build` first)", shim.display());
    let out = Command::new(env!("CARGO_BIN_EXE_cuvm-conformance"))
        .args(["--child", name, "--lib"])
        .arg(&shim)
        .env("CUVM_HOST", host().address())
        .env("CUVM_LOG", "error")
        .output()
        .expect("run the scenario");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success() && stdout.contains("RESULT|pass"), "{name} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
}

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { run(stringify!($name)); })*

        #[test]
        fn every_scenario_has_a_test() {
            let listed = [$(stringify!($name)),*];
            for s in cuvm_conformance::all() {
                assert!(listed.contains(&s.name), "add {} to the scenarios! list", s.name);
            }
        }
    };
}

scenarios!(
    init_and_versions,
    device_queries,
    device_attributes,
    context_stack,
    primary_context,
    context_limits_and_config,
    context_per_thread,
    memory_alloc_free,
    memory_copies,
    memory_async_copies,
    memory_2d_copies,
    memory_stream_ordered_and_pools,
    memory_virtual_memory,
    tensor_maps,
    memory_memsets,
    memory_bad_pointers,
    memory_pinned_host,
    memory_small_pinned_as_device_memory,
    kernel_on_small_pinned_memory,
    two_processes_at_once,
    pointer_attributes_and_peer_copy,
    streams,
    events,
    module_from_ptx,
    occupancy_and_context_v2,
    library_and_kernels,
    generated_forwarding,
    host_functions_in_stream_order,
    stream_values_batches_and_capture_to_graph,
    stream_attributes_and_pool_access,
    launch_errors,
    kernel_vector_add,
    kernel_parameters_of_every_size,
    kernel_fault_reported_at_sync,
    kernel_launched_through_a_cukernel,
    jit_link_and_launch,
    jit_link_sessions,
    export_tables,
    tools_context_slots,
    graphs_stream_capture,
    graphs_node_api,
    graphs_forked_capture,
    graphs_kernel_nodes,
    graphs_node_changes,
    arrays_and_textures,
    texture_and_surface_kernels,
    copies_over_one_gib,
    managed_memory_with_kernels,
);
