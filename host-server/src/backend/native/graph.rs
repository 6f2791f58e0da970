//! Stream capture and graphs on the real driver.

use std::ffi::c_void;

use cuvm_abi::{
    CUDA_KERNEL_NODE_PARAMS, CUDA_MEMCPY3D, CUDA_MEMSET_NODE_PARAMS, CUcontext, CUgraph, CUgraphNode, CUlaunchAttributeID,
    CUlaunchAttributeValue, CUmemorytype, CUresult, CUstreamCaptureMode, CUstreamCaptureStatus,
};

use super::{Native, ptr, raw};
use crate::backend::graph::{Copy3d, GraphNode, Graphs, KernelNode, Side3d};
use crate::backend::{CuResult, Memset, NOT_SUPPORTED, ParamInfo, Raw};

fn nodes(v: &[Raw]) -> Vec<CUgraphNode> {
    v.iter().map(|n| ptr(*n)).collect()
}

fn node_list(v: &[CUgraphNode]) -> Vec<Raw> {
    v.iter().map(|n| raw(*n)).collect()
}

fn usize_of(v: u64) -> CuResult<usize> {
    usize::try_from(v).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)
}

fn memset_params(m: &Memset) -> CuResult<CUDA_MEMSET_NODE_PARAMS> {
    Ok(CUDA_MEMSET_NODE_PARAMS {
        dst: m.dst,
        pitch: usize_of(m.pitch)?,
        value: m.value,
        elementSize: u32::from(m.elem_size),
        width: usize_of(m.width)?,
        height: usize_of(m.height)?,
    })
}

/// A side's pitch, height and x/y/z as the driver's `usize`s.
fn side(s: &Side3d) -> CuResult<[usize; 5]> {
    Ok([usize_of(s.pitch)?, usize_of(s.height)?, usize_of(s.pos[0])?, usize_of(s.pos[1])?, usize_of(s.pos[2])?])
}

fn copy_params(c: &Copy3d) -> CuResult<CUDA_MEMCPY3D> {
    let mut p = CUDA_MEMCPY3D::default();
    p.srcMemoryType = CUmemorytype::CU_MEMORYTYPE_DEVICE;
    p.srcDevice = c.src.ptr;
    [p.srcPitch, p.srcHeight, p.srcXInBytes, p.srcY, p.srcZ] = side(&c.src)?;
    p.dstMemoryType = CUmemorytype::CU_MEMORYTYPE_DEVICE;
    p.dstDevice = c.dst.ptr;
    [p.dstPitch, p.dstHeight, p.dstXInBytes, p.dstY, p.dstZ] = side(&c.dst)?;
    p.WidthInBytes = usize_of(c.extent[0])?;
    p.Height = usize_of(c.extent[1])?;
    p.Depth = usize_of(c.extent[2])?;
    Ok(p)
}

/// A kernel node's parameters, with `pointers` into `k.args` (kept alive by
/// the caller for the call).
fn kernel_params(k: &KernelNode, pointers: &mut Vec<*mut c_void>) -> CuResult<CUDA_KERNEL_NODE_PARAMS> {
    *pointers = super::arg_pointers(&k.params, &k.args)?;
    Ok(CUDA_KERNEL_NODE_PARAMS {
        func: ptr(k.func),
        gridDimX: k.grid[0],
        gridDimY: k.grid[1],
        gridDimZ: k.grid[2],
        blockDimX: k.block[0],
        blockDimY: k.block[1],
        blockDimZ: k.block[2],
        sharedMemBytes: k.shared_mem,
        kernelParams: if pointers.is_empty() { std::ptr::null_mut() } else { pointers.as_mut_ptr() },
        extra: std::ptr::null_mut(),
        kern: std::ptr::null_mut(),
        ctx: std::ptr::null_mut(),
    })
}

impl Native {
    fn current_context(&self) -> CuResult<CUcontext> {
        let mut ctx: CUcontext = std::ptr::null_mut();
        call!(self.cuCtxGetCurrent(&mut ctx))?;
        Ok(ctx)
    }

    /// A node list the driver fills: asks the count, then the nodes.
    fn node_query(&self, mut f: impl FnMut(*mut CUgraphNode, *mut usize) -> CuResult<()>) -> CuResult<Vec<Raw>> {
        let mut n = 0usize;
        f(std::ptr::null_mut(), &mut n)?;
        let mut v: Vec<CUgraphNode> = vec![std::ptr::null_mut(); n];
        if n > 0 {
            f(v.as_mut_ptr(), &mut n)?;
            v.truncate(n);
        }
        Ok(node_list(&v))
    }
}

impl Graphs for Native {
    fn stream_begin_capture(&mut self, stream: Raw, mode: u32) -> CuResult<()> {
        call!(self.cuStreamBeginCapture_v2(ptr(stream), CUstreamCaptureMode(mode)))
    }

    fn stream_end_capture(&mut self, stream: Raw) -> CuResult<Raw> {
        let mut g: CUgraph = std::ptr::null_mut();
        call!(self.cuStreamEndCapture(ptr(stream), &mut g))?;
        Ok(raw(g))
    }

    fn stream_is_capturing(&mut self, stream: Raw) -> CuResult<u32> {
        let mut status = CUstreamCaptureStatus(0);
        call!(self.cuStreamIsCapturing(ptr(stream), &mut status))?;
        Ok(status.0)
    }

    fn exchange_capture_mode(&mut self, mode: u32) -> CuResult<u32> {
        let mut m = CUstreamCaptureMode(mode);
        call!(self.cuThreadExchangeStreamCaptureMode(&mut m))?;
        Ok(m.0)
    }

    fn graph_create(&mut self, flags: u32) -> CuResult<Raw> {
        let mut g: CUgraph = std::ptr::null_mut();
        call!(self.cuGraphCreate(&mut g, flags))?;
        Ok(raw(g))
    }

    fn graph_destroy(&mut self, graph: Raw) -> CuResult<()> {
        call!(self.cuGraphDestroy(ptr(graph)))
    }

    fn graph_add_node(&mut self, graph: Raw, deps: &[Raw], node: &GraphNode) -> CuResult<Raw> {
        let d = nodes(deps);
        let (g, dp, n) = (ptr(graph), if d.is_empty() { std::ptr::null() } else { d.as_ptr() }, d.len());
        let mut out: CUgraphNode = std::ptr::null_mut();
        match node {
            GraphNode::Empty => call!(self.cuGraphAddEmptyNode(&mut out, g, dp, n))?,
            GraphNode::Memset(m) => {
                let p = memset_params(m)?;
                let ctx = self.current_context()?;
                call!(self.cuGraphAddMemsetNode(&mut out, g, dp, n, &p, ctx))?;
            }
            GraphNode::Memcpy(c) => {
                let p = copy_params(c)?;
                let ctx = self.current_context()?;
                call!(self.cuGraphAddMemcpyNode(&mut out, g, dp, n, &p, ctx))?;
            }
            GraphNode::Kernel(k) => {
                let mut pointers = Vec::new();
                let p = kernel_params(k, &mut pointers)?;
                call!(self.cuGraphAddKernelNode_v2(&mut out, g, dp, n, &p))?;
            }
            GraphNode::EventRecord(e) => call!(self.cuGraphAddEventRecordNode(&mut out, g, dp, n, ptr(*e)))?,
            GraphNode::EventWait(e) => call!(self.cuGraphAddEventWaitNode(&mut out, g, dp, n, ptr(*e)))?,
            GraphNode::Child(c) => call!(self.cuGraphAddChildGraphNode(&mut out, g, dp, n, ptr(*c)))?,
        }
        Ok(raw(out))
    }

    fn graph_nodes(&mut self, graph: Raw, roots: bool) -> CuResult<Vec<Raw>> {
        let g = ptr(graph);
        if roots {
            self.node_query(|v, n| call!(self.cuGraphGetRootNodes(g, v, n)))
        } else {
            self.node_query(|v, n| call!(self.cuGraphGetNodes(g, v, n)))
        }
    }

    fn graph_edges(&mut self, graph: Raw) -> CuResult<Vec<(Raw, Raw)>> {
        let g = ptr(graph);
        let mut n = 0usize;
        call!(self.cuGraphGetEdges(g, std::ptr::null_mut(), std::ptr::null_mut(), &mut n))?;
        let mut from: Vec<CUgraphNode> = vec![std::ptr::null_mut(); n];
        let mut to: Vec<CUgraphNode> = vec![std::ptr::null_mut(); n];
        if n > 0 {
            call!(self.cuGraphGetEdges(g, from.as_mut_ptr(), to.as_mut_ptr(), &mut n))?;
        }
        Ok(from.iter().zip(&to).take(n).map(|(f, t)| (raw(*f), raw(*t))).collect())
    }

    fn graph_dependencies(&mut self, graph: Raw, edges: &[(Raw, Raw)], add: bool) -> CuResult<()> {
        let from: Vec<CUgraphNode> = edges.iter().map(|e| ptr(e.0)).collect();
        let to: Vec<CUgraphNode> = edges.iter().map(|e| ptr(e.1)).collect();
        if add {
            call!(self.cuGraphAddDependencies(ptr(graph), from.as_ptr(), to.as_ptr(), edges.len()))
        } else {
            call!(self.cuGraphRemoveDependencies(ptr(graph), from.as_ptr(), to.as_ptr(), edges.len()))
        }
    }

    fn graph_node_type(&mut self, node: Raw) -> CuResult<u32> {
        let mut t = cuvm_abi::CUgraphNodeType(0);
        call!(self.cuGraphNodeGetType(ptr(node), &mut t))?;
        Ok(t.0)
    }

    fn graph_node_neighbours(&mut self, node: Raw, dependents: bool) -> CuResult<Vec<Raw>> {
        let h = ptr(node);
        if dependents {
            self.node_query(|v, n| call!(self.cuGraphNodeGetDependentNodes(h, v, n)))
        } else {
            self.node_query(|v, n| call!(self.cuGraphNodeGetDependencies(h, v, n)))
        }
    }

    fn graph_destroy_node(&mut self, node: Raw) -> CuResult<()> {
        call!(self.cuGraphDestroyNode(ptr(node)))
    }

    fn graph_node_params(&mut self, node: Raw) -> CuResult<GraphNode> {
        match self.graph_node_type(node)? {
            crate::backend::graph::node_type::MEMSET => {
                let mut p = CUDA_MEMSET_NODE_PARAMS::default();
                call!(self.cuGraphMemsetNodeGetParams(ptr(node), &mut p))?;
                Ok(GraphNode::Memset(Memset {
                    dst: p.dst,
                    pitch: p.pitch as u64,
                    value: p.value,
                    elem_size: u8::try_from(p.elementSize).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?,
                    width: p.width as u64,
                    height: p.height as u64,
                }))
            }
            crate::backend::graph::node_type::MEMCPY => {
                let mut p = CUDA_MEMCPY3D::default();
                call!(self.cuGraphMemcpyNodeGetParams(ptr(node), &mut p))?;
                let device = |t: CUmemorytype| matches!(t, CUmemorytype::CU_MEMORYTYPE_DEVICE | CUmemorytype::CU_MEMORYTYPE_UNIFIED);
                if !device(p.srcMemoryType) || !device(p.dstMemoryType) {
                    // A copy with host or array memory (captured natively
                    // only): not expressible to the guest.
                    return Err(NOT_SUPPORTED);
                }
                Ok(GraphNode::Memcpy(Copy3d {
                    src: Side3d {
                        ptr: p.srcDevice,
                        pitch: p.srcPitch as u64,
                        height: p.srcHeight as u64,
                        pos: [p.srcXInBytes as u64, p.srcY as u64, p.srcZ as u64],
                    },
                    dst: Side3d {
                        ptr: p.dstDevice,
                        pitch: p.dstPitch as u64,
                        height: p.dstHeight as u64,
                        pos: [p.dstXInBytes as u64, p.dstY as u64, p.dstZ as u64],
                    },
                    extent: [p.WidthInBytes as u64, p.Height as u64, p.Depth as u64],
                }))
            }
            crate::backend::graph::node_type::EVENT_RECORD => {
                let mut e: cuvm_abi::CUevent = std::ptr::null_mut();
                call!(self.cuGraphEventRecordNodeGetEvent(ptr(node), &mut e))?;
                Ok(GraphNode::EventRecord(raw(e)))
            }
            crate::backend::graph::node_type::WAIT_EVENT => {
                let mut e: cuvm_abi::CUevent = std::ptr::null_mut();
                call!(self.cuGraphEventWaitNodeGetEvent(ptr(node), &mut e))?;
                Ok(GraphNode::EventWait(raw(e)))
            }
            _ => Err(NOT_SUPPORTED),
        }
    }

    fn graph_node_set_params(&mut self, node: Raw, params: &GraphNode) -> CuResult<()> {
        match params {
            GraphNode::Memset(m) => {
                let p = memset_params(m)?;
                call!(self.cuGraphMemsetNodeSetParams(ptr(node), &p))
            }
            GraphNode::Memcpy(c) => {
                let p = copy_params(c)?;
                call!(self.cuGraphMemcpyNodeSetParams(ptr(node), &p))
            }
            GraphNode::Kernel(k) => {
                let mut pointers = Vec::new();
                let p = kernel_params(k, &mut pointers)?;
                call!(self.cuGraphKernelNodeSetParams_v2(ptr(node), &p))
            }
            GraphNode::EventRecord(e) => call!(self.cuGraphEventRecordNodeSetEvent(ptr(node), ptr(*e))),
            GraphNode::EventWait(e) => call!(self.cuGraphEventWaitNodeSetEvent(ptr(node), ptr(*e))),
            _ => Err(NOT_SUPPORTED),
        }
    }

    fn graph_instantiate(&mut self, graph: Raw, flags: u64) -> CuResult<Raw> {
        let mut e: cuvm_abi::CUgraphExec = std::ptr::null_mut();
        call!(self.cuGraphInstantiateWithFlags(&mut e, ptr(graph), flags))?;
        Ok(raw(e))
    }

    fn graph_exec_destroy(&mut self, exec: Raw) -> CuResult<()> {
        call!(self.cuGraphExecDestroy(ptr(exec)))
    }

    fn graph_exec_set_params(&mut self, exec: Raw, node: Raw, params: &GraphNode) -> CuResult<()> {
        let (e, n) = (ptr(exec), ptr(node));
        match params {
            GraphNode::Memset(m) => {
                let p = memset_params(m)?;
                let ctx = self.current_context()?;
                call!(self.cuGraphExecMemsetNodeSetParams(e, n, &p, ctx))
            }
            GraphNode::Memcpy(c) => {
                let p = copy_params(c)?;
                let ctx = self.current_context()?;
                call!(self.cuGraphExecMemcpyNodeSetParams(e, n, &p, ctx))
            }
            GraphNode::Kernel(k) => {
                let mut pointers = Vec::new();
                let p = kernel_params(k, &mut pointers)?;
                call!(self.cuGraphExecKernelNodeSetParams_v2(e, n, &p))
            }
            GraphNode::EventRecord(ev) => call!(self.cuGraphExecEventRecordNodeSetEvent(e, n, ptr(*ev))),
            GraphNode::EventWait(ev) => call!(self.cuGraphExecEventWaitNodeSetEvent(e, n, ptr(*ev))),
            GraphNode::Child(g) => call!(self.cuGraphExecChildGraphNodeSetParams(e, n, ptr(*g))),
            _ => Err(NOT_SUPPORTED),
        }
    }

    fn graph_exec_update(&mut self, exec: Raw, graph: Raw) -> CuResult<(CUresult, u32, Raw, Raw)> {
        let f = self.t.cuGraphExecUpdate_v2.ok_or(NOT_SUPPORTED)?;
        let mut info = cuvm_abi::CUgraphExecUpdateResultInfo {
            result: cuvm_abi::CUgraphExecUpdateResult(0),
            errorNode: std::ptr::null_mut(),
            errorFromNode: std::ptr::null_mut(),
        };
        // SAFETY: live handles of this session; `info` is local.
        let r = unsafe { f(ptr(exec), ptr(graph), &mut info) };
        Ok((r, info.result.0, raw(info.errorNode), raw(info.errorFromNode)))
    }

    fn graph_launch(&mut self, exec: Raw, stream: Raw) -> CuResult<()> {
        call!(self.cuGraphLaunch(ptr(exec), ptr(stream)))
    }

    fn graph_upload(&mut self, exec: Raw, stream: Raw) -> CuResult<()> {
        call!(self.cuGraphUpload(ptr(exec), ptr(stream)))
    }

    fn stream_begin_capture_to_graph(&mut self, stream: Raw, graph: Raw, deps: &[Raw], mode: u32) -> CuResult<()> {
        let d = nodes(deps);
        call!(self.cuStreamBeginCaptureToGraph(
            ptr(stream),
            ptr(graph),
            if d.is_empty() { std::ptr::null() } else { d.as_ptr() },
            std::ptr::null(),
            d.len(),
            CUstreamCaptureMode(mode)
        ))
    }

    fn stream_update_capture_dependencies(&mut self, stream: Raw, deps: &[Raw], flags: u32) -> CuResult<()> {
        let mut d = nodes(deps);
        call!(self.cuStreamUpdateCaptureDependencies_v2(
            ptr(stream),
            if d.is_empty() { std::ptr::null_mut() } else { d.as_mut_ptr() },
            std::ptr::null(),
            d.len(),
            flags
        ))
    }

    fn graph_clone(&mut self, graph: Raw) -> CuResult<Raw> {
        let mut g: CUgraph = std::ptr::null_mut();
        call!(self.cuGraphClone(&mut g, ptr(graph)))?;
        Ok(raw(g))
    }

    fn graph_node_find_in_clone(&mut self, node: Raw, clone: Raw) -> CuResult<Raw> {
        let mut n: CUgraphNode = std::ptr::null_mut();
        call!(self.cuGraphNodeFindInClone(&mut n, ptr(node), ptr(clone)))?;
        Ok(raw(n))
    }

    fn graph_child_graph(&mut self, node: Raw) -> CuResult<Raw> {
        let mut g: CUgraph = std::ptr::null_mut();
        call!(self.cuGraphChildGraphNodeGetGraph(ptr(node), &mut g))?;
        Ok(raw(g))
    }

    fn graph_exec_flags(&mut self, exec: Raw) -> CuResult<u64> {
        let mut f: cuvm_abi::cuuint64_t = 0;
        call!(self.cuGraphExecGetFlags(ptr(exec), &mut f))?;
        Ok(f)
    }

    fn graph_node_enabled(&mut self, exec: Raw, node: Raw) -> CuResult<bool> {
        let mut on: std::ffi::c_uint = 0;
        call!(self.cuGraphNodeGetEnabled(ptr(exec), ptr(node), &mut on))?;
        Ok(on != 0)
    }

    fn graph_node_set_enabled(&mut self, exec: Raw, node: Raw, enabled: bool) -> CuResult<()> {
        call!(self.cuGraphNodeSetEnabled(ptr(exec), ptr(node), std::ffi::c_uint::from(enabled)))
    }

    fn graph_kernel_node_attribute(&mut self, node: Raw, id: u32) -> CuResult<[u8; 64]> {
        let mut v = CUlaunchAttributeValue { pad: [0; 64] };
        call!(self.cuGraphKernelNodeGetAttribute(ptr(node), CUlaunchAttributeID(id), &mut v))?;
        // SAFETY: every value is 64 plain bytes.
        Ok(unsafe { v.pad }.map(std::ffi::c_char::cast_unsigned))
    }

    fn graph_kernel_node_set_attribute(&mut self, node: Raw, id: u32, value: &[u8; 64]) -> CuResult<()> {
        let v = CUlaunchAttributeValue { pad: value.map(u8::cast_signed) };
        call!(self.cuGraphKernelNodeSetAttribute(ptr(node), CUlaunchAttributeID(id), &v))
    }

    fn graph_kernel_node_copy_attributes(&mut self, dst: Raw, src: Raw) -> CuResult<()> {
        call!(self.cuGraphKernelNodeCopyAttributes(ptr(dst), ptr(src)))
    }

    fn graph_kernel_node_params(&mut self, node: Raw, layout: &dyn Fn(Raw) -> Option<Vec<ParamInfo>>) -> CuResult<KernelNode> {
        // SAFETY: all-zero is valid for this plain C struct (null pointers).
        let mut p: CUDA_KERNEL_NODE_PARAMS = unsafe { std::mem::zeroed() };
        call!(self.cuGraphKernelNodeGetParams_v2(ptr(node), &mut p))?;
        let func = raw(p.func);
        let params = layout(func).ok_or(NOT_SUPPORTED)?;
        let size = params.iter().map(|q| q.offset as usize + q.size as usize).max().unwrap_or(0);
        let mut args = vec![0u8; size];
        if !params.is_empty() {
            if p.kernelParams.is_null() {
                return Err(NOT_SUPPORTED);
            }
            for (i, q) in params.iter().enumerate() {
                // SAFETY: the driver's kernelParams holds one pointer per
                // parameter of the function, each to `size` bytes it owns.
                let src = unsafe { *p.kernelParams.add(i) };
                if src.is_null() {
                    return Err(CUresult::CUDA_ERROR_UNKNOWN);
                }
                let dst = &mut args[q.offset as usize..q.offset as usize + q.size as usize];
                // SAFETY: as above; `dst` is in bounds by construction.
                unsafe { std::ptr::copy_nonoverlapping(src.cast::<u8>(), dst.as_mut_ptr(), dst.len()) };
            }
        }
        Ok(KernelNode {
            func,
            grid: [p.gridDimX, p.gridDimY, p.gridDimZ],
            block: [p.blockDimX, p.blockDimY, p.blockDimZ],
            shared_mem: p.sharedMemBytes,
            params,
            args,
        })
    }
}
