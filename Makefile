# cuvm: build, test, demo, headers, abi, coverage.
#   make test      set up (headers) and run every test CI runs
#   make demo      build the guest library and run the examples through it
#   make abi       regenerate abi/src/generated/ from the pinned CUDA headers
#   make coverage  regenerate docs/coverage.md from abi/annotations.tsv

CARGO      ?= cargo
CC         ?= gcc
HEADERS    := cuda-headers/include
FACTS      := cuda-headers/measured/driver-facts-580.159.04.tsv
GENERATED  := abi/src/generated
LIBDIR     := build/lib
SHIM       := $(LIBDIR)/libcuda.so.1
EXAMPLES   := $(patsubst examples/c/%.c,build/examples/%,$(wildcard examples/c/*.c))
# Runtime-API programs, built by nvcc from the pinned wheels with static and
# with shared libcudart (found beside the program: rpath $ORIGIN).
NVCC       := cuda-headers/toolkit/bin/nvcc
NVCC_FLAGS := -O2 -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90
RUNTIME_NAMES := $(patsubst examples/runtime/%.cu,%,$(wildcard examples/runtime/*.cu))
RUNTIME    := $(foreach p,$(RUNTIME_NAMES),build/runtime/$(p)-static build/runtime/$(p)-shared) build/runtime/libcudart.so.13
# The runtime programs the test guests run (11-runtime-graphs needs the graph
# node API, not forwarded yet).
VM_RUNTIME := build/runtime/10-runtime-basics-static build/runtime/10-runtime-basics-shared
# System packages `make abi` needs (libclang for bindgen; the GL/EGL/VDPAU
# headers that cuda's interop headers include).
DEB_PACKAGES := libclang-dev libgl-dev libegl-dev libvdpau-dev qemu-system-x86
# The vhost-user vsock device the test VMs use (hybrid vsock, as Firecracker).
VHOST_VSOCK_VERSION := 0.3.0
VHOST_VSOCK := build/tools/bin/vhost-device-vsock

.PHONY: all build headers abi abi-check coverage test demo deps clean gpu-bundle gpu-vm-bundle vm-test compat

all: build

## Fetch the official CUDA 13.0 headers (pinned wheel, sha256-checked).
headers: $(HEADERS)/cuda.h
$(HEADERS)/cuda.h: cuda-headers/requirements.txt cuda-headers/fetch-headers.sh
	cuda-headers/fetch-headers.sh

## Install the system packages the generator needs (Debian/Ubuntu, as root).
deps:
	@dpkg -s $(DEB_PACKAGES) >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_PACKAGES); }

## Regenerate the generated module of the abi crate.
abi: headers
	$(CARGO) run -q --release -p cuvm-abi-gen -- --include $(HEADERS) --facts $(FACTS) --out $(GENERATED)

## Fail if regenerating would change the committed generated module.
abi-check: headers
	@rm -rf build/abi-check && mkdir -p build/abi-check
	$(CARGO) run -q --release -p cuvm-abi-gen -- --include $(HEADERS) --facts $(FACTS) --out build/abi-check
	@diff -r -q $(GENERATED) build/abi-check >/dev/null || \
	  { diff -r $(GENERATED) build/abi-check | head -40; \
	    echo "abi/src/generated is stale: run 'make abi' and commit the result"; exit 1; }
	@echo "abi-check: regenerating abi/src/generated reproduces the committed files byte for byte"

## Regenerate docs/coverage.md.
coverage:
	$(CARGO) run -q -p cuvm-abi --bin cuvm-coverage > docs/coverage.md

## The guest library as build/lib/libcuda.so.1, with a libcuda.so link.
build:
	$(CARGO) build --release -p cuvm-shim
	@mkdir -p $(LIBDIR)
	cp -f target/release/libcuda.so $(SHIM)
	ln -sf libcuda.so.1 $(LIBDIR)/libcuda.so

build/runtime/%-static: examples/runtime/%.cu examples/runtime/common.h | headers
	@mkdir -p build/runtime
	$(NVCC) $(NVCC_FLAGS) -cudart static $< -o $@
build/runtime/%-shared: examples/runtime/%.cu examples/runtime/common.h | headers
	@mkdir -p build/runtime
	$(NVCC) $(NVCC_FLAGS) -cudart shared -Xlinker -rpath='$$ORIGIN' $< -o $@
build/runtime/libcudart.so.13: | headers
	@mkdir -p build/runtime
	cp -L cuda-headers/toolkit/lib/libcudart.so.13 $@

build/examples/%: examples/c/%.c examples/c/common.h headers build
	@mkdir -p build/examples
	$(CC) -Wall -Wextra -O2 -I$(HEADERS) $< -o $@ -L$(LIBDIR) -lcuda -lm

## Set up and run everything CI runs.
# The shim's integration tests load target/debug/libcuda.so, which `cargo
# test` alone does not (re)build: build it first. Then the real-VM test.
test: headers abi-check
	$(CARGO) build
	$(CARGO) test --workspace --exclude cuvm-abi-gen
	$(CARGO) test -p cuvm-abi-gen
	$(MAKE) vm-test

$(VHOST_VSOCK):
	$(CARGO) install vhost-device-vsock --version $(VHOST_VSOCK_VERSION) --locked --root build/tools

## Boot two Linux guests under QEMU (KVM if it boots, else TCG) with
## virtio-vsock, cuvm-host on the host side, and check what they compute.
VM_BACKEND ?= emulated
vm-test: build $(EXAMPLES) $(RUNTIME) $(VHOST_VSOCK)
	$(CARGO) build --release -p cuvm-host -p cuvm-conformance
	$(CC) -O2 -I$(HEADERS) host-server/tests/programs/hog.c -o build/hog -L$(LIBDIR) -lcuda
	CUVM_HOST_BIN=target/release/cuvm-host CUVM_SHIM=$(SHIM) VHOST_DEVICE_VSOCK=$(VHOST_VSOCK) \
	  CUVM_VM_BACKEND=$(VM_BACKEND) CUVM_VM_PROGRAMS="$(EXAMPLES) $(VM_RUNTIME) target/release/cuvm-conformance build/hog" \
	  vm/run-vm-test.sh

## Start cuvm-host (native backend if a GPU driver loads, else emulated)
## and run the examples through the guest library.
DEMO_SOCK := /tmp/cuvm-demo-$(shell id -u).sock
demo: build $(EXAMPLES)
	$(CARGO) build --release -p cuvm-host
	@rm -f $(DEMO_SOCK); \
	target/release/cuvm-host --listen unix:$(DEMO_SOCK) 2>build/demo-host.log & host=$$!; \
	for i in $$(seq 100); do [ -S $(DEMO_SOCK) ] && break; sleep 0.1; done; \
	grep -o 'cuvm-host: [a-z]* backend' build/demo-host.log; \
	status=0; \
	for e in $(EXAMPLES); do \
	  echo "== $$e through cuvm (LD_LIBRARY_PATH=$(LIBDIR), CUVM_HOST=unix:$(DEMO_SOCK))"; \
	  CUVM_HOST=unix:$(DEMO_SOCK) LD_LIBRARY_PATH=$(LIBDIR) $$e; rc=$$?; \
	  case $$rc in 0) echo "-> ok, results verified";; \
	    3) echo "-> ran up to its first kernel (the emulated backend cannot run kernels)";; \
	    *) echo "-> FAILED (exit $$rc)"; status=1;; esac; \
	done; \
	kill $$host; exit $$status

## Everything a GPU machine needs (no Rust there) in gpu-bundle/, with
## run.sh, which runs the conformance suite and the examples natively and
## through cuvm and prints a summary.
gpu-bundle: headers $(RUNTIME)
	$(CARGO) build --release -p cuvm-shim -p cuvm-host -p cuvm-conformance
	rm -rf gpu-bundle && mkdir -p gpu-bundle/lib gpu-bundle/bin gpu-bundle/examples
	cp target/release/libcuda.so gpu-bundle/lib/libcuda.so.1
	ln -s libcuda.so.1 gpu-bundle/lib/libcuda.so
	cp target/release/cuvm-host target/release/cuvm-conformance gpu-bundle/bin/
	strip gpu-bundle/bin/* gpu-bundle/lib/libcuda.so.1
	for src in examples/c/*.c; do \
	  $(CC) -Wall -Wextra -O2 -I$(HEADERS) $$src -o gpu-bundle/examples/$$(basename $$src .c) -Lgpu-bundle/lib -lcuda -lm || exit 1; \
	done
	cp $(RUNTIME) gpu-bundle/examples/
	mkdir -p gpu-bundle/bench
	$(CC) -Wall -Wextra -O2 -I$(HEADERS) bench/driver-bench.c -o gpu-bundle/bench/driver-bench -Lgpu-bundle/lib -lcuda
	cp bench/compare.sh gpu-bundle/bench/
	mkdir -p gpu-bundle/probe
	cp scripts/probes/*.sh scripts/probes/*.cu gpu-bundle/probe/
	$(CC) -Wall -O2 -I$(HEADERS) scripts/probes/capture-copy.c -o gpu-bundle/probe/capture-copy -Lgpu-bundle/lib -lcuda
	$(CC) -Wall -O2 -shared -fPIC scripts/probes/table-trace.c -o gpu-bundle/probe/table-trace.so -ldl
	$(CC) -O2 bench/socketpair.c -o gpu-bundle/bench/socketpair
	$(CC) -Wall -Wextra -O2 -I$(HEADERS) bench/managed-bench.c -o gpu-bundle/bench/managed-bench -Lgpu-bundle/lib -lcuda
	cp scripts/gpu-run.sh gpu-bundle/run.sh
	mkdir -p gpu-bundle/compat && cp -r compat/run.sh compat/cases gpu-bundle/compat/
	for p in pools stall managed; do \
	  $(CC) -Wall -Wextra -O2 -I$(HEADERS) host-server/tests/programs/$$p.c -o gpu-bundle/bin/$$p -Lgpu-bundle/lib -lcuda || exit 1; \
	done
	mkdir -p gpu-bundle/checks && cp scripts/checks/*.sh gpu-bundle/checks/
	@du -sh gpu-bundle

## The compatibility runner: on a GPU machine, every case (nvcc-built
## runtime programs, PyTorch, CuPy, Triton, JAX, numba, cuda-python) natively
## and through cuvm, one table. Elsewhere: build the bundle and say how.
compat: gpu-bundle
	@if nvidia-smi -L >/dev/null 2>&1; then bash gpu-bundle/compat/run.sh; \
	 else echo "no GPU here: copy gpu-bundle/ to a GPU machine and run 'bash gpu-bundle/compat/run.sh'"; fi

## gpu-bundle plus a packed VM (QEMU, firmware, vhost-device-vsock, a guest
## image whose programs run through cuvm) and vm-run.sh to boot it there.
gpu-vm-bundle: gpu-bundle $(VHOST_VSOCK)
	$(CC) -O2 -I$(HEADERS) host-server/tests/programs/hog.c -o build/hog -Lgpu-bundle/lib -lcuda
	vm/build-image.sh build/vm-gpu-image gpu-bundle/lib/libcuda.so.1 $$(ls gpu-bundle/examples/* | grep -v '\.so\|11-runtime') \
	  gpu-bundle/bin/cuvm-conformance build/hog gpu-bundle/bench/driver-bench
	vm/pack-for-gpu.sh gpu-bundle/vm.tar.xz $(VHOST_VSOCK) build/vm-gpu-image
	cp scripts/gpu-vm-run.sh gpu-bundle/vm-run.sh
	@du -sh gpu-bundle

clean:
	$(CARGO) clean
	rm -rf build
