#include "runtime/tma.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace attnjit {

namespace {

// TMA's limits on a global stride (cuTensorMapEncodeTiled): a multiple of 16 bytes below 2^40.
constexpr uint64_t kStrideAlign = 16;
constexpr uint64_t kStrideLimit = uint64_t(1) << 40;

bool legal_stride(uint64_t bytes) {
  return bytes != 0 && bytes % kStrideAlign == 0 && bytes < kStrideLimit;
}

Result<TmaMapArgs> map_args(const char* name, const TensorRef& t, int seq, int heads, int batch,
                            const KernelConfig& c, int rows) {
  TmaMapArgs a;
  a.tensor = name;
  a.data_type = c.dtype == "fp16" ? kTensorMapFloat16 : kTensorMapBfloat16;
  a.address = t.data;
  a.dims[0] = uint64_t(c.head_dim);
  a.dims[1] = uint64_t(seq);
  a.dims[2] = uint64_t(heads);
  a.dims[3] = uint64_t(batch);
  const int64_t elem_strides[3] = {t.stride_seq, t.stride_head, t.stride_batch};
  // The extent of the dimensions below (strides need not grow with the dimension: [B, S, H, D]
  // steps heads by less than rows): a legal stride for a dimension that is never stepped.
  uint64_t extent = uint64_t(c.head_dim) * 2;
  for (int i = 0; i < 3; ++i) {
    const uint64_t bytes = elem_strides[i] < 0 ? 0 : uint64_t(elem_strides[i]) * 2;
    a.strides[i] = a.dims[i + 1] == 1 && !legal_stride(bytes) ? extent : bytes;
    extent = std::max(extent, a.strides[i] * a.dims[i + 1]);
  }
  a.box[0] = kTmaBoxColumns;
  a.box[1] = uint32_t(rows);
  a.box[2] = 1;
  a.box[3] = 1;
  for (int i = 0; i < 3; ++i)
    if (!legal_stride(a.strides[i])) {
      static const char* const fields[] = {"stride_seq", "stride_head", "stride_batch"};
      return Error{fmt::format("{}.{} = {} elements cannot be a TMA stride (a nonzero multiple of "
                               "16 bytes below 2^40) for the sm90 kernel; {}",
                               name, fields[i], elem_strides[i], describe_tma_map(a))};
    }
  return a;
}

} // namespace

Result<TmaMapsArgs> tma_maps_args(const Problem& p, const KernelConfig& c) {
  if (p.cu_seqlens_q || p.cu_seqlens_k || p.seqused_k)
    return Error{"sm90 tensor maps cover dense batches only (varlen runs on the general variant)"};
  auto q = map_args("q", p.q, p.seq_q, p.heads, p.batch, c, c.block_m);
  if (!q) return q.error();
  auto k = map_args("k", p.k, p.seq_k, p.kv_heads, p.batch, c, c.block_n);
  if (!k) return k.error();
  auto v = map_args("v", p.v, p.seq_k, p.kv_heads, p.batch, c, c.block_n);
  if (!v) return v.error();
  return TmaMapsArgs{*q, *k, *v};
}

std::string describe_tma_map(const TmaMapArgs& a) {
  return fmt::format("{}: dims [{}, {}, {}, {}], strides [{}, {}, {}] bytes, box [{}, {}, {}, {}]",
                     a.tensor, a.dims[0], a.dims[1], a.dims[2], a.dims[3], a.strides[0],
                     a.strides[1], a.strides[2], a.box[0], a.box[1], a.box[2], a.box[3]);
}

Result<TmaMaps> encode_tma_maps(const CudaDriver& d, const TmaMapsArgs& args) {
  if (!d.cuTensorMapEncodeTiled)
    return Error{"the CUDA driver lacks cuTensorMapEncodeTiled (CUDA 12.0 or later is needed for "
                 "sm90 kernels; sm80 kernels still run)"};
  static_assert(sizeof(CUtensorMap) == sizeof(TmaMap), "CUtensorMap and TmaMap differ in size");
  TmaMaps maps{};
  const std::pair<const TmaMapArgs*, TmaMap*> all[] = {
      {&args.q, &maps.q}, {&args.k, &maps.k}, {&args.v, &maps.v}};
  for (const auto& [a, out] : all) {
    CUtensorMap m{};
    CUresult r = d.cuTensorMapEncodeTiled(&m, a->data_type, 4, a->address, a->dims, a->strides,
                                          a->box, a->element_strides, a->interleave, a->swizzle,
                                          a->l2_promotion, a->oob_fill);
    if (auto c = cuda_check(d, r, "encoding the TMA map of " + describe_tma_map(*a)); !c)
      return c.error();
    std::memcpy(out, &m, sizeof m);
  }
  return maps;
}

} // namespace attnjit
