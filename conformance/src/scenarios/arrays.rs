//! CUDA arrays, texture and surface objects: 1D, 2D and 3D arrays filled
//! and read back with 2D, 3D and 1D copies (host, device and array sides,
//! sync and async), mipmap levels, descriptors, texture objects over an
//! array, pitched and linear memory, a surface object, bad input; and, on a
//! GPU, kernels that read through textures and write through a surface;
//! and 2D copies whose host side is larger than one cuvm message carries.

use std::ptr::null_mut;

use cuvm_abi::{
    CUDA_ARRAY_DESCRIPTOR, CUDA_ARRAY3D_DESCRIPTOR, CUDA_MEMCPY2D, CUDA_MEMCPY3D, CUDA_RESOURCE_DESC, CUDA_RESOURCE_VIEW_DESC,
    CUDA_TEXTURE_DESC, CUaddress_mode, CUarray, CUarray_format, CUfilter_mode, CUmemorytype, CUmipmappedArray, CUresourceViewFormat,
    CUresourcetype, CUstream,
};

use super::{random_bytes, setup, teardown};
use crate::{Api, Scenario, Transcript, cu};

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario { name: "arrays_and_textures", needs_kernels: false, native_only: false, run: arrays_and_textures },
        Scenario { name: "texture_and_surface_kernels", needs_kernels: true, native_only: false, run: kernels },
        Scenario { name: "copies_over_one_gib", needs_kernels: false, native_only: false, run: copies_over_one_gib },
    ]
}

const FLOAT: CUarray_format = CUarray_format::CU_AD_FORMAT_FLOAT;
const UINT8: CUarray_format = CUarray_format::CU_AD_FORMAT_UNSIGNED_INT8;
/// `CUDA_ARRAY3D_SURFACE_LDST`.
const SURFACE_LDST: u32 = 0x02;

fn desc_2d(width: usize, height: usize, format: CUarray_format, channels: u32) -> CUDA_ARRAY_DESCRIPTOR {
    CUDA_ARRAY_DESCRIPTOR { Width: width, Height: height, Format: format, NumChannels: channels }
}

fn desc_3d(width: usize, height: usize, depth: usize, format: CUarray_format, channels: u32, flags: u32) -> CUDA_ARRAY3D_DESCRIPTOR {
    CUDA_ARRAY3D_DESCRIPTOR { Width: width, Height: height, Depth: depth, Format: format, NumChannels: channels, Flags: flags }
}

/// A 2D copy of `w` bytes × `h` rows between two sides set by the caller.
fn copy_2d(w: usize, h: usize) -> CUDA_MEMCPY2D {
    CUDA_MEMCPY2D { WidthInBytes: w, Height: h, ..Default::default() }
}

fn host_src(c: &mut CUDA_MEMCPY2D, p: &[u8], pitch: usize) {
    (c.srcMemoryType, c.srcHost, c.srcPitch) = (CUmemorytype::CU_MEMORYTYPE_HOST, p.as_ptr().cast(), pitch);
}

fn host_dst(c: &mut CUDA_MEMCPY2D, p: &mut [u8], pitch: usize) {
    (c.dstMemoryType, c.dstHost, c.dstPitch) = (CUmemorytype::CU_MEMORYTYPE_HOST, p.as_mut_ptr().cast(), pitch);
}

fn array_src(c: &mut CUDA_MEMCPY2D, a: CUarray) {
    (c.srcMemoryType, c.srcArray) = (CUmemorytype::CU_MEMORYTYPE_ARRAY, a);
}

fn array_dst(c: &mut CUDA_MEMCPY2D, a: CUarray) {
    (c.dstMemoryType, c.dstArray) = (CUmemorytype::CU_MEMORYTYPE_ARRAY, a);
}

fn array_resource(a: CUarray) -> CUDA_RESOURCE_DESC {
    let mut r = CUDA_RESOURCE_DESC { resType: CUresourcetype::CU_RESOURCE_TYPE_ARRAY, ..Default::default() };
    r.res.array.hArray = a;
    r
}

/// Point sampling, clamped, unnormalized coordinates.
fn point_texture() -> CUDA_TEXTURE_DESC {
    CUDA_TEXTURE_DESC {
        addressMode: [CUaddress_mode::CU_TR_ADDRESS_MODE_CLAMP; 3],
        filterMode: CUfilter_mode::CU_TR_FILTER_MODE_POINT,
        ..Default::default()
    }
}

/// What a resource descriptor names, for the transcript: type, handle or
/// address, and shape.
fn resource_summary(r: &CUDA_RESOURCE_DESC) -> (u32, u64, usize, usize) {
    // SAFETY: the member read is the one resType selects.
    unsafe {
        match r.resType {
            CUresourcetype::CU_RESOURCE_TYPE_ARRAY => (0, r.res.array.hArray as usize as u64, 0, 0),
            CUresourcetype::CU_RESOURCE_TYPE_MIPMAPPED_ARRAY => (1, r.res.mipmap.hMipmappedArray as usize as u64, 0, 0),
            CUresourcetype::CU_RESOURCE_TYPE_LINEAR => (2, r.res.linear.devPtr, r.res.linear.sizeInBytes, 0),
            CUresourcetype::CU_RESOURCE_TYPE_PITCH2D => (3, r.res.pitch2D.devPtr, r.res.pitch2D.width, r.res.pitch2D.pitchInBytes),
            _ => (u32::MAX, 0, 0, 0),
        }
    }
}

#[allow(clippy::too_many_lines)]
fn arrays_and_textures(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 1)))?;

    // A 2D array of 64 x 16 floats.
    let (w, h) = (64usize, 16usize);
    let row = w * 4;
    let mut a: CUarray = null_mut();
    t.ok("cuArrayCreate(64 x 16 float)", cu!(api.cuArrayCreate_v2(&mut a, &desc_2d(w, h, FLOAT, 1))))?;
    t.check("array is not null", !a.is_null())?;
    let mut d2 = desc_2d(0, 0, UINT8, 0);
    t.ok("cuArrayGetDescriptor", cu!(api.cuArrayGetDescriptor_v2(&mut d2, a)))?;
    t.check("2D descriptor reads back", d2.Width == w && d2.Height == h && d2.Format == FLOAT && d2.NumChannels == 1)?;
    let mut d3 = desc_3d(0, 0, 9, UINT8, 0, 9);
    t.ok("cuArray3DGetDescriptor of a 2D array", cu!(api.cuArray3DGetDescriptor_v2(&mut d3, a)))?;
    t.check("its depth and flags are 0", d3.Width == w && d3.Height == h && d3.Depth == 0 && d3.Flags == 0)?;

    // host -> array -> pitched device -> host, with 2D copies.
    let data = random_bytes(row * h, 21);
    let mut c = copy_2d(row, h);
    host_src(&mut c, &data, row);
    array_dst(&mut c, a);
    t.ok("cuMemcpy2D host -> array", cu!(api.cuMemcpy2D_v2(&c)))?;
    let (mut dev, mut pitch) = (0u64, 0usize);
    t.ok("cuMemAllocPitch(256 x 16)", cu!(api.cuMemAllocPitch_v2(&mut dev, &mut pitch, row, h, 4)))?;
    let mut c = copy_2d(row, h);
    array_src(&mut c, a);
    (c.dstMemoryType, c.dstDevice, c.dstPitch) = (CUmemorytype::CU_MEMORYTYPE_DEVICE, dev, pitch);
    t.ok("cuMemcpy2D array -> device", cu!(api.cuMemcpy2D_v2(&c)))?;
    let mut back = vec![0u8; row * h];
    let mut c = copy_2d(row, h);
    (c.srcMemoryType, c.srcDevice, c.srcPitch) = (CUmemorytype::CU_MEMORYTYPE_DEVICE, dev, pitch);
    host_dst(&mut c, &mut back, row);
    t.ok("cuMemcpy2D device -> host", cu!(api.cuMemcpy2D_v2(&c)))?;
    t.check("host -> array -> device -> host round-trips", back == data)?;

    // array -> array, then a sub-box back to the host asynchronously.
    let mut b: CUarray = null_mut();
    t.ok("cuArrayCreate(second 64 x 16 float)", cu!(api.cuArrayCreate_v2(&mut b, &desc_2d(w, h, FLOAT, 1))))?;
    let mut c = copy_2d(row, h);
    array_src(&mut c, a);
    array_dst(&mut c, b);
    t.ok("cuMemcpy2D array -> array", cu!(api.cuMemcpy2D_v2(&c)))?;
    let mut part = vec![0u8; 32 * 5];
    let mut c = copy_2d(32, 5);
    array_src(&mut c, b);
    (c.srcXInBytes, c.srcY) = (16, 3);
    host_dst(&mut c, &mut part, 32);
    t.ok("cuMemcpy2DAsync array sub-box -> host", cu!(api.cuMemcpy2DAsync_v2(&c, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let expected: Vec<u8> = (3..8).flat_map(|y| data[y * row + 16..y * row + 48].to_vec()).collect();
    t.check("the sub-box of the copied array reads back", part == expected)?;

    // A 3D array of 16 x 8 x 4 uchar4: rows of 64 bytes.
    let (w3, h3, d3n) = (16usize, 8usize, 4usize);
    let row3 = w3 * 4;
    let mut v: CUarray = null_mut();
    t.ok("cuArray3DCreate(16 x 8 x 4 uchar4)", cu!(api.cuArray3DCreate_v2(&mut v, &desc_3d(w3, h3, d3n, UINT8, 4, 0))))?;
    let mut q = desc_3d(0, 0, 0, FLOAT, 0, 9);
    t.ok("cuArray3DGetDescriptor", cu!(api.cuArray3DGetDescriptor_v2(&mut q, v)))?;
    t.check("3D descriptor reads back", q.Width == w3 && q.Height == h3 && q.Depth == d3n && q.Format == UINT8 && q.NumChannels == 4)?;
    let volume = random_bytes(row3 * h3 * d3n, 22);
    let mut c = CUDA_MEMCPY3D { WidthInBytes: row3, Height: h3, Depth: d3n, ..Default::default() };
    (c.srcMemoryType, c.srcHost, c.srcPitch, c.srcHeight) = (CUmemorytype::CU_MEMORYTYPE_HOST, volume.as_ptr().cast(), row3, h3);
    (c.dstMemoryType, c.dstArray) = (CUmemorytype::CU_MEMORYTYPE_ARRAY, v);
    t.ok("cuMemcpy3D host -> array", cu!(api.cuMemcpy3D_v2(&c)))?;
    let mut lin = 0u64;
    t.ok("cuMemAlloc(volume)", cu!(api.cuMemAlloc_v2(&mut lin, volume.len())))?;
    let mut c = CUDA_MEMCPY3D { WidthInBytes: row3, Height: h3, Depth: d3n, ..Default::default() };
    (c.srcMemoryType, c.srcArray) = (CUmemorytype::CU_MEMORYTYPE_ARRAY, v);
    (c.dstMemoryType, c.dstDevice, c.dstPitch, c.dstHeight) = (CUmemorytype::CU_MEMORYTYPE_DEVICE, lin, row3, h3);
    t.ok("cuMemcpy3D array -> device", cu!(api.cuMemcpy3D_v2(&c)))?;
    let mut vback = vec![0u8; volume.len()];
    t.ok("cuMemcpyDtoH(volume)", cu!(api.cuMemcpyDtoH_v2(vback.as_mut_ptr().cast(), lin, vback.len())))?;
    t.check("host -> 3D array -> device -> host round-trips", vback == volume)?;
    let mut sub = vec![0u8; 32 * 3 * 2];
    let mut c = CUDA_MEMCPY3D { WidthInBytes: 32, Height: 3, Depth: 2, ..Default::default() };
    (c.srcMemoryType, c.srcArray, c.srcXInBytes, c.srcY, c.srcZ) = (CUmemorytype::CU_MEMORYTYPE_ARRAY, v, 16, 2, 1);
    (c.dstMemoryType, c.dstHost, c.dstPitch, c.dstHeight) = (CUmemorytype::CU_MEMORYTYPE_HOST, sub.as_mut_ptr().cast(), 32, 3);
    t.ok("cuMemcpy3DAsync array sub-box -> host", cu!(api.cuMemcpy3DAsync_v2(&c, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let expected: Vec<u8> = (1..3)
        .flat_map(|z| (2..5).map(move |y| (z, y)))
        .flat_map(|(z, y)| volume[(z * h3 + y) * row3 + 16..(z * h3 + y) * row3 + 48].to_vec())
        .collect();
    t.check("the 3D sub-box reads back", sub == expected)?;
    let mut c = CUDA_MEMCPY3D { WidthInBytes: row3, Height: h3, Depth: d3n + 1, ..Default::default() };
    (c.srcMemoryType, c.srcHost, c.srcPitch, c.srcHeight) = (CUmemorytype::CU_MEMORYTYPE_HOST, volume.as_ptr().cast(), row3, h3);
    (c.dstMemoryType, c.dstArray) = (CUmemorytype::CU_MEMORYTYPE_ARRAY, v);
    let bigger = vec![0u8; row3 * h3 * (d3n + 1)];
    c.srcHost = bigger.as_ptr().cast();
    t.call("cuMemcpy3D one slice past the array's depth", cu!(api.cuMemcpy3D_v2(&c)));
    // A batched 3D copy with an array operand: offsets, extents and row
    // lengths count the array's elements (uchar4: 4 bytes).
    {
        use cuvm_abi::{CUDA_MEMCPY3D_BATCH_OP, CUmemcpy3DOperandType as O};
        let mut box_out = vec![0u8; 4 * 4 * 2 * 2];
        // SAFETY: all-zero is a valid batch operation (then filled in).
        let mut op: CUDA_MEMCPY3D_BATCH_OP = unsafe { std::mem::zeroed() };
        op.src.type_ = O::CU_MEMCPY_OPERAND_TYPE_ARRAY;
        op.src.op.array.array = v;
        op.src.op.array.offset = cuvm_abi::CUoffset3D { x: 2, y: 1, z: 1 };
        op.dst.type_ = O::CU_MEMCPY_OPERAND_TYPE_POINTER;
        op.dst.op.ptr.ptr = box_out.as_mut_ptr() as u64;
        op.dst.op.ptr.rowLength = 4;
        op.dst.op.ptr.layerHeight = 2;
        op.extent = cuvm_abi::CUextent3D { width: 4, height: 2, depth: 2 };
        op.srcAccessOrder = cuvm_abi::CUmemcpySrcAccessOrder::CU_MEMCPY_SRC_ACCESS_ORDER_STREAM;
        t.ok("cuMemcpy3DBatchAsync_v2(array box of 4 x 2 x 2 uchar4 -> host)", cu!(api.cuMemcpy3DBatchAsync_v2(1, &mut op, 0, s)))?;
        t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
        let expected: Vec<u8> = (1..3)
            .flat_map(|z| (1..3).map(move |y| (z, y)))
            .flat_map(|(z, y)| volume[(z * h3 + y) * row3 + 8..(z * h3 + y) * row3 + 24].to_vec())
            .collect();
        t.check("the batched array box reads back", box_out == expected)?;
    }

    // 1D arrays and the HtoA/AtoH/DtoA/AtoD/AtoA forms.
    let n = 256usize;
    let (mut l1, mut l2): (CUarray, CUarray) = (null_mut(), null_mut());
    t.ok("cuArrayCreate(1D, 256 floats)", cu!(api.cuArrayCreate_v2(&mut l1, &desc_2d(n, 0, FLOAT, 1))))?;
    t.ok("cuArrayCreate(second 1D)", cu!(api.cuArrayCreate_v2(&mut l2, &desc_2d(n, 0, FLOAT, 1))))?;
    let line = random_bytes(n * 4, 23);
    t.ok("cuMemcpyHtoA(1 KiB)", cu!(api.cuMemcpyHtoA_v2(l1, 0, line.as_ptr().cast(), n * 4)))?;
    let mut piece = vec![0u8; 256];
    t.ok("cuMemcpyAtoH(256 bytes at 128)", cu!(api.cuMemcpyAtoH_v2(piece.as_mut_ptr().cast(), l1, 128, 256)))?;
    t.check("AtoH reads what HtoA wrote", piece[..] == line[128..384])?;
    let mut lind = 0u64;
    t.ok("cuMemAlloc(1 KiB)", cu!(api.cuMemAlloc_v2(&mut lind, n * 4)))?;
    t.ok("cuMemcpyAtoD", cu!(api.cuMemcpyAtoD_v2(lind, l1, 0, n * 4)))?;
    t.ok("cuMemcpyDtoA", cu!(api.cuMemcpyDtoA_v2(l2, 0, lind, n * 4)))?;
    t.ok("cuMemcpyAtoA(512 bytes to offset 256)", cu!(api.cuMemcpyAtoA_v2(l1, 256, l2, 0, 512)))?;
    let mut all = vec![0u8; n * 4];
    t.ok("cuMemcpyAtoHAsync", cu!(api.cuMemcpyAtoHAsync_v2(all.as_mut_ptr().cast(), l1, 0, n * 4, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let mut want = line.clone();
    want[256..768].copy_from_slice(&line[..512]);
    t.check("AtoD, DtoA and AtoA move the bytes", all == want)?;
    t.ok("cuMemcpyHtoAAsync", cu!(api.cuMemcpyHtoAAsync_v2(l2, 4, line.as_ptr().cast(), 64, s)))?;
    t.ok("cuMemcpyAtoH after the async write", cu!(api.cuMemcpyAtoH_v2(piece.as_mut_ptr().cast(), l2, 4, 64)))?;
    t.check("HtoAAsync is ordered before the next copy", piece[..64] == line[..64])?;
    t.call("cuMemcpyHtoA past the array's end", cu!(api.cuMemcpyHtoA_v2(l1, n * 4 - 8, line.as_ptr().cast(), 16)));

    // Mipmapped arrays.
    let mut m: CUmipmappedArray = null_mut();
    t.ok("cuMipmappedArrayCreate(32 x 32 float, 3 levels)", cu!(api.cuMipmappedArrayCreate(&mut m, &desc_3d(32, 32, 0, FLOAT, 1, 0), 3)))?;
    let mut lv: CUarray = null_mut();
    t.ok("cuMipmappedArrayGetLevel(1)", cu!(api.cuMipmappedArrayGetLevel(&mut lv, m, 1)))?;
    let mut ld = desc_3d(0, 0, 0, UINT8, 0, 0);
    t.ok("cuArray3DGetDescriptor(level 1)", cu!(api.cuArray3DGetDescriptor_v2(&mut ld, lv)))?;
    t.check("level 1 is 16 x 16", ld.Width == 16 && ld.Height == 16 && ld.Depth == 0)?;
    let level = random_bytes(16 * 16 * 4, 24);
    let mut c = copy_2d(64, 16);
    host_src(&mut c, &level, 64);
    array_dst(&mut c, lv);
    t.ok("cuMemcpy2D host -> level 1", cu!(api.cuMemcpy2D_v2(&c)))?;
    let mut lback = vec![0u8; level.len()];
    let mut c = copy_2d(64, 16);
    array_src(&mut c, lv);
    host_dst(&mut c, &mut lback, 64);
    t.ok("cuMemcpy2D level 1 -> host", cu!(api.cuMemcpy2D_v2(&c)))?;
    t.check("a mipmap level round-trips", lback == level)?;
    let mut none: CUarray = null_mut();
    t.call("cuMipmappedArrayGetLevel(3 of 3)", cu!(api.cuMipmappedArrayGetLevel(&mut none, m, 3)));

    // Texture objects over the 2D array, with a view, over pitched and linear memory.
    let tex_desc = point_texture();
    let mut tex = 0u64;
    t.ok("cuTexObjectCreate(array)", cu!(api.cuTexObjectCreate(&mut tex, &array_resource(a), &tex_desc, std::ptr::null())))?;
    t.check("a texture object is not 0", tex != 0)?;
    let mut r = CUDA_RESOURCE_DESC::default();
    t.ok("cuTexObjectGetResourceDesc", cu!(api.cuTexObjectGetResourceDesc(&mut r, tex)))?;
    t.check("the resource is the array", resource_summary(&r) == (0, a as usize as u64, 0, 0))?;
    let mut td = CUDA_TEXTURE_DESC::default();
    t.ok("cuTexObjectGetTextureDesc", cu!(api.cuTexObjectGetTextureDesc(&mut td, tex)))?;
    t.check("address and filter modes read back", td.addressMode == tex_desc.addressMode && td.filterMode == tex_desc.filterMode)?;
    let view = CUDA_RESOURCE_VIEW_DESC {
        format: CUresourceViewFormat::CU_RES_VIEW_FORMAT_FLOAT_1X32,
        width: w,
        height: h,
        depth: 0,
        firstMipmapLevel: 0,
        lastMipmapLevel: 0,
        firstLayer: 0,
        lastLayer: 0,
        reserved: [0; 16],
    };
    let mut texv = 0u64;
    if t.call("cuTexObjectCreate(array, with a view)", cu!(api.cuTexObjectCreate(&mut texv, &array_resource(a), &tex_desc, &view)))
        .is_success()
    {
        // SAFETY: all-zero is a valid view descriptor.
        let mut vd: CUDA_RESOURCE_VIEW_DESC = unsafe { std::mem::zeroed() };
        t.ok("cuTexObjectGetResourceViewDesc", cu!(api.cuTexObjectGetResourceViewDesc(&mut vd, texv)))?;
        t.check("the view reads back", vd.format == view.format && vd.width == w && vd.height == h)?;
        t.ok("cuTexObjectDestroy(with a view)", cu!(api.cuTexObjectDestroy(texv)))?;
    }
    let mut pr = CUDA_RESOURCE_DESC { resType: CUresourcetype::CU_RESOURCE_TYPE_PITCH2D, ..Default::default() };
    (pr.res.pitch2D.devPtr, pr.res.pitch2D.format, pr.res.pitch2D.numChannels) = (dev, FLOAT, 1);
    (pr.res.pitch2D.width, pr.res.pitch2D.height, pr.res.pitch2D.pitchInBytes) = (w, h, pitch);
    let mut texp = 0u64;
    t.ok("cuTexObjectCreate(pitch 2D memory)", cu!(api.cuTexObjectCreate(&mut texp, &pr, &tex_desc, std::ptr::null())))?;
    let mut r = CUDA_RESOURCE_DESC::default();
    t.ok("cuTexObjectGetResourceDesc(pitch 2D)", cu!(api.cuTexObjectGetResourceDesc(&mut r, texp)))?;
    t.check("the resource is the pitched memory", resource_summary(&r) == (3, dev, w, pitch))?;
    let mut lr = CUDA_RESOURCE_DESC { resType: CUresourcetype::CU_RESOURCE_TYPE_LINEAR, ..Default::default() };
    (lr.res.linear.devPtr, lr.res.linear.format, lr.res.linear.numChannels, lr.res.linear.sizeInBytes) = (lind, FLOAT, 1, n * 4);
    let mut texl = 0u64;
    t.ok("cuTexObjectCreate(linear memory)", cu!(api.cuTexObjectCreate(&mut texl, &lr, &tex_desc, std::ptr::null())))?;
    let mut r = CUDA_RESOURCE_DESC::default();
    t.ok("cuTexObjectGetResourceDesc(linear)", cu!(api.cuTexObjectGetResourceDesc(&mut r, texl)))?;
    t.check("the resource is the linear memory", resource_summary(&r) == (2, lind, n * 4, 0))?;
    let mut texm = 0u64;
    let mut mr = CUDA_RESOURCE_DESC { resType: CUresourcetype::CU_RESOURCE_TYPE_MIPMAPPED_ARRAY, ..Default::default() };
    mr.res.mipmap.hMipmappedArray = m;
    t.ok("cuTexObjectCreate(mipmapped array)", cu!(api.cuTexObjectCreate(&mut texm, &mr, &tex_desc, std::ptr::null())))?;
    let mut r = CUDA_RESOURCE_DESC::default();
    t.ok("cuTexObjectGetResourceDesc(mipmapped)", cu!(api.cuTexObjectGetResourceDesc(&mut r, texm)))?;
    t.check("the resource is the mipmapped array", resource_summary(&r) == (1, m as usize as u64, 0, 0))?;

    // A surface object over an array made for load/store.
    let mut sa: CUarray = null_mut();
    t.ok(
        "cuArray3DCreate(64 x 16 float, surface load/store)",
        cu!(api.cuArray3DCreate_v2(&mut sa, &desc_3d(w, h, 0, FLOAT, 1, SURFACE_LDST))),
    )?;
    let mut surf = 0u64;
    t.ok("cuSurfObjectCreate", cu!(api.cuSurfObjectCreate(&mut surf, &array_resource(sa))))?;
    let mut r = CUDA_RESOURCE_DESC::default();
    t.ok("cuSurfObjectGetResourceDesc", cu!(api.cuSurfObjectGetResourceDesc(&mut r, surf)))?;
    t.check("the surface's resource is its array", resource_summary(&r) == (0, sa as usize as u64, 0, 0))?;
    let mut bad = 0u64;
    t.call("cuSurfObjectCreate(array without load/store)", cu!(api.cuSurfObjectCreate(&mut bad, &array_resource(b))));

    // Bad descriptors.
    let mut x: CUarray = null_mut();
    t.call("cuArrayCreate(NULL descriptor)", cu!(api.cuArrayCreate_v2(&mut x, std::ptr::null())));
    t.call("cuArrayCreate(width 0)", cu!(api.cuArrayCreate_v2(&mut x, &desc_2d(0, 4, FLOAT, 1))));
    t.call("cuArrayCreate(3 channels)", cu!(api.cuArrayCreate_v2(&mut x, &desc_2d(4, 4, FLOAT, 3))));
    t.call("cuArray3DCreate(depth without height)", cu!(api.cuArray3DCreate_v2(&mut x, &desc_3d(4, 0, 4, FLOAT, 1, 0))));
    let mut c = copy_2d(row, h + 1);
    let tall = vec![0u8; row * (h + 1)];
    host_src(&mut c, &tall, row);
    array_dst(&mut c, a);
    t.call("cuMemcpy2D one row past the array", cu!(api.cuMemcpy2D_v2(&c)));

    // Destroy everything.
    for (what, o) in [("array", tex), ("pitch 2D", texp), ("linear", texl), ("mipmapped", texm)] {
        t.ok(&format!("cuTexObjectDestroy({what})"), cu!(api.cuTexObjectDestroy(o)))?;
    }
    t.ok("cuSurfObjectDestroy", cu!(api.cuSurfObjectDestroy(surf)))?;
    for (what, arr) in [("a", a), ("b", b), ("3D", v), ("1D", l1), ("second 1D", l2), ("surface", sa)] {
        t.ok(&format!("cuArrayDestroy({what})"), cu!(api.cuArrayDestroy(arr)))?;
    }
    t.ok("cuMipmappedArrayDestroy", cu!(api.cuMipmappedArrayDestroy(m)))?;
    for p in [dev, lin, lind] {
        t.ok("cuMemFree", cu!(api.cuMemFree_v2(p)))?;
    }
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    teardown(api, t)
}

/// `tex2d_read(tex, out, w)`: out[y * w + x] = tex2D(tex, x, y) (the red
/// channel, point sampling, unnormalized); `tex1d_fetch(tex, out)`:
/// out[i] = tex1Dfetch(tex, i); `surf_write(surf, w)`: surf2Dwrite(y * w +
/// x as f32, surf, 4x, y). One thread per element, a block of w threads
/// per row.
const PTX: &str = "\
.version 8.0
.target sm_75
.address_size 64

.visible .entry tex2d_read(.param .u64 tex, .param .u64 out, .param .u32 w)
{
    .reg .u32 %r<6>;
    .reg .u64 %rd<5>;
    .reg .f32 %f<5>;
    ld.param.u64 %rd1, [tex];
    ld.param.u64 %rd2, [out];
    ld.param.u32 %r1, [w];
    mov.u32 %r2, %tid.x;
    mov.u32 %r3, %ctaid.x;
    tex.2d.v4.f32.s32 {%f1, %f2, %f3, %f4}, [%rd1, {%r2, %r3}];
    mad.lo.u32 %r4, %r3, %r1, %r2;
    cvta.to.global.u64 %rd3, %rd2;
    mul.wide.u32 %rd4, %r4, 4;
    add.u64 %rd3, %rd3, %rd4;
    st.global.f32 [%rd3], %f1;
    ret;
}

.visible .entry tex1d_fetch(.param .u64 tex, .param .u64 out)
{
    .reg .u32 %r<4>;
    .reg .u64 %rd<5>;
    .reg .f32 %f<5>;
    ld.param.u64 %rd1, [tex];
    ld.param.u64 %rd2, [out];
    mov.u32 %r1, %tid.x;
    mov.u32 %r2, %ctaid.x;
    mov.u32 %r3, %ntid.x;
    mad.lo.u32 %r1, %r2, %r3, %r1;
    tex.1d.v4.f32.s32 {%f1, %f2, %f3, %f4}, [%rd1, {%r1}];
    cvta.to.global.u64 %rd3, %rd2;
    mul.wide.u32 %rd4, %r1, 4;
    add.u64 %rd3, %rd3, %rd4;
    st.global.f32 [%rd3], %f1;
    ret;
}

.visible .entry surf_write(.param .u64 surf, .param .u32 w)
{
    .reg .u32 %r<7>;
    .reg .u64 %rd<2>;
    .reg .f32 %f<2>;
    ld.param.u64 %rd1, [surf];
    ld.param.u32 %r1, [w];
    mov.u32 %r2, %tid.x;
    mov.u32 %r3, %ctaid.x;
    mad.lo.u32 %r4, %r3, %r1, %r2;
    cvt.rn.f32.u32 %f1, %r4;
    shl.b32 %r5, %r2, 2;
    sust.b.2d.b32.trap [%rd1, {%r5, %r3}], {%f1};
    ret;
}
\0";

/// The red channel a kernel read, as bytes.
fn floats(bytes: &[u8]) -> Vec<f32> {
    bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

fn kernels(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let (w, h) = (64usize, 16usize);
    let (wu, hu) = (64u32, 16u32);
    let mut m = null_mut();
    t.ok("cuModuleLoadData(texture PTX)", cu!(api.cuModuleLoadData(&mut m, PTX.as_ptr().cast())))?;
    let mut f2 = null_mut();
    let mut f1 = null_mut();
    let mut fs = null_mut();
    t.ok("cuModuleGetFunction(tex2d_read)", cu!(api.cuModuleGetFunction(&mut f2, m, c"tex2d_read".as_ptr())))?;
    t.ok("cuModuleGetFunction(tex1d_fetch)", cu!(api.cuModuleGetFunction(&mut f1, m, c"tex1d_fetch".as_ptr())))?;
    t.ok("cuModuleGetFunction(surf_write)", cu!(api.cuModuleGetFunction(&mut fs, m, c"surf_write".as_ptr())))?;

    // Values i * 0.5 in a 64 x 16 float array, read through tex2D.
    let values: Vec<f32> = (0..w * h).map(|i| i as f32 * 0.5).collect();
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    let mut a: CUarray = null_mut();
    t.ok("cuArrayCreate(64 x 16 float)", cu!(api.cuArrayCreate_v2(&mut a, &desc_2d(w, h, FLOAT, 1))))?;
    let mut c = copy_2d(w * 4, h);
    host_src(&mut c, &bytes, w * 4);
    array_dst(&mut c, a);
    t.ok("cuMemcpy2D host -> array", cu!(api.cuMemcpy2D_v2(&c)))?;
    let mut tex = 0u64;
    t.ok("cuTexObjectCreate(array)", cu!(api.cuTexObjectCreate(&mut tex, &array_resource(a), &point_texture(), std::ptr::null())))?;
    let mut out = 0u64;
    t.ok("cuMemAlloc(out)", cu!(api.cuMemAlloc_v2(&mut out, w * h * 4)))?;
    let mut args = [(&raw mut tex).cast(), (&raw mut out).cast(), (&raw const wu).cast_mut().cast()];
    t.ok("cuLaunchKernel(tex2d_read)", cu!(api.cuLaunchKernel(f2, hu, 1, 1, wu, 1, 1, 0, null_mut(), args.as_mut_ptr(), null_mut())))?;
    t.ok("cuCtxSynchronize", cu!(api.cuCtxSynchronize()))?;
    let mut got = vec![0u8; w * h * 4];
    t.ok("cuMemcpyDtoH(out)", cu!(api.cuMemcpyDtoH_v2(got.as_mut_ptr().cast(), out, got.len())))?;
    t.check("tex2D reads the array", floats(&got) == values)?;

    // tex1Dfetch over linear memory.
    let mut lin = 0u64;
    t.ok("cuMemAlloc(linear)", cu!(api.cuMemAlloc_v2(&mut lin, bytes.len())))?;
    t.ok("cuMemcpyHtoD(linear)", cu!(api.cuMemcpyHtoD_v2(lin, bytes.as_ptr().cast(), bytes.len())))?;
    let mut lr = CUDA_RESOURCE_DESC { resType: CUresourcetype::CU_RESOURCE_TYPE_LINEAR, ..Default::default() };
    (lr.res.linear.devPtr, lr.res.linear.format, lr.res.linear.numChannels, lr.res.linear.sizeInBytes) = (lin, FLOAT, 1, bytes.len());
    let mut texl = 0u64;
    t.ok("cuTexObjectCreate(linear)", cu!(api.cuTexObjectCreate(&mut texl, &lr, &point_texture(), std::ptr::null())))?;
    t.ok("cuMemsetD8(out, 0)", cu!(api.cuMemsetD8_v2(out, 0, w * h * 4)))?;
    let mut args = [(&raw mut texl).cast(), (&raw mut out).cast()];
    t.ok("cuLaunchKernel(tex1d_fetch)", cu!(api.cuLaunchKernel(f1, hu, 1, 1, wu, 1, 1, 0, null_mut(), args.as_mut_ptr(), null_mut())))?;
    t.ok("cuCtxSynchronize", cu!(api.cuCtxSynchronize()))?;
    t.ok("cuMemcpyDtoH(out)", cu!(api.cuMemcpyDtoH_v2(got.as_mut_ptr().cast(), out, got.len())))?;
    t.check("tex1Dfetch reads the linear memory", floats(&got) == values)?;

    // surf2Dwrite into a load/store array, read back with a copy.
    let mut sa: CUarray = null_mut();
    t.ok("cuArray3DCreate(surface load/store)", cu!(api.cuArray3DCreate_v2(&mut sa, &desc_3d(w, h, 0, FLOAT, 1, SURFACE_LDST))))?;
    let mut surf = 0u64;
    t.ok("cuSurfObjectCreate", cu!(api.cuSurfObjectCreate(&mut surf, &array_resource(sa))))?;
    let mut args = [(&raw mut surf).cast(), (&raw const wu).cast_mut().cast()];
    t.ok("cuLaunchKernel(surf_write)", cu!(api.cuLaunchKernel(fs, hu, 1, 1, wu, 1, 1, 0, null_mut(), args.as_mut_ptr(), null_mut())))?;
    t.ok("cuCtxSynchronize", cu!(api.cuCtxSynchronize()))?;
    let mut sback = vec![0u8; w * h * 4];
    let mut c = copy_2d(w * 4, h);
    array_src(&mut c, sa);
    host_dst(&mut c, &mut sback, w * 4);
    t.ok("cuMemcpy2D surface array -> host", cu!(api.cuMemcpy2D_v2(&c)))?;
    let index: Vec<f32> = (0..w * h).map(|i| i as f32).collect();
    t.check("surf2Dwrite wrote every element", floats(&sback) == index)?;

    t.ok("cuSurfObjectDestroy", cu!(api.cuSurfObjectDestroy(surf)))?;
    t.ok("cuTexObjectDestroy(linear)", cu!(api.cuTexObjectDestroy(texl)))?;
    t.ok("cuTexObjectDestroy(array)", cu!(api.cuTexObjectDestroy(tex)))?;
    t.ok("cuArrayDestroy(surface)", cu!(api.cuArrayDestroy(sa)))?;
    t.ok("cuArrayDestroy", cu!(api.cuArrayDestroy(a)))?;
    for p in [out, lin] {
        t.ok("cuMemFree", cu!(api.cuMemFree_v2(p)))?;
    }
    t.ok("cuModuleUnload", cu!(api.cuModuleUnload(m)))?;
    teardown(api, t)
}

/// `n` bytes (a multiple of 8) of xorshift output, 8 at a time.
fn random_words(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = vec![0u8; n];
    for chunk in out.chunks_exact_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        chunk.copy_from_slice(&x.to_le_bytes());
    }
    out
}

/// 2D copies of 1088 MiB between host memory and a CUDA array, and between
/// host memory and linear device memory, as one row and as 1088 rows: cuvm
/// sends a host side of more than 1 GiB as several messages.
fn copies_over_one_gib(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 1)))?;
    // 65536 float4 per row (1 MiB), 1088 rows.
    let (w, h) = (65536usize, 1088usize);
    let row = w * 16;
    let total = row * h;
    let data = random_words(total, 41);
    let mut back = vec![0u8; total];
    let mut a: CUarray = null_mut();
    t.ok("cuArrayCreate(65536 x 1088 float4)", cu!(api.cuArrayCreate_v2(&mut a, &desc_2d(w, h, FLOAT, 4))))?;
    let mut c = copy_2d(row, h);
    host_src(&mut c, &data, row);
    array_dst(&mut c, a);
    t.ok("cuMemcpy2D 1088 MiB host -> array", cu!(api.cuMemcpy2D_v2(&c)))?;
    let mut c = copy_2d(row, h);
    array_src(&mut c, a);
    host_dst(&mut c, &mut back, row);
    t.ok("cuMemcpy2DAsync 1088 MiB array -> host", cu!(api.cuMemcpy2DAsync_v2(&c, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    t.check("1088 MiB round-trip through an array", back == data)?;
    t.ok("cuArrayDestroy", cu!(api.cuArrayDestroy(a)))?;

    // Linear memory: in as one 1088 MiB row, out as 1088 rows of 1 MiB.
    let mut d = 0u64;
    t.ok("cuMemAlloc(1088 MiB)", cu!(api.cuMemAlloc_v2(&mut d, total)))?;
    let mut c = copy_2d(total, 1);
    host_src(&mut c, &data, total);
    (c.dstMemoryType, c.dstDevice, c.dstPitch) = (CUmemorytype::CU_MEMORYTYPE_DEVICE, d, total);
    t.ok("cuMemcpy2DAsync one 1088 MiB row host -> device", cu!(api.cuMemcpy2DAsync_v2(&c, s)))?;
    back.fill(0);
    let mut c = copy_2d(row, h);
    (c.srcMemoryType, c.srcDevice, c.srcPitch) = (CUmemorytype::CU_MEMORYTYPE_DEVICE, d, row);
    host_dst(&mut c, &mut back, row);
    t.ok("cuMemcpy2D 1088 rows device -> host", cu!(api.cuMemcpy2D_v2(&c)))?;
    t.check("1088 MiB round-trip through linear memory", back == data)?;
    t.ok("cuMemFree", cu!(api.cuMemFree_v2(d)))?;
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    teardown(api, t)
}
