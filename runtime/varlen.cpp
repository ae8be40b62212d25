#include "runtime/varlen.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

namespace attnjit {

Result<VarlenExtent> varlen_extent(const Problem& p) {
  VarlenExtent e;
  e.max_seq_q = p.seq_q;
  e.max_seq_k = p.seq_k;
  e.packed = p.cu_seqlens_q != nullptr || p.cu_seqlens_k != nullptr;
  e.any = e.packed || p.seqused_k != nullptr;
  if (!e.any) return e;
  if ((p.cu_seqlens_q == nullptr) != (p.cu_seqlens_k == nullptr))
    return Error{fmt::format("cu_seqlens_q and cu_seqlens_k must be given together (got only {})",
                             p.cu_seqlens_q ? "cu_seqlens_q" : "cu_seqlens_k")};
  if (p.max_seq_q < 0 || p.max_seq_k < 0)
    return Error{fmt::format("max_seq_q = {} and max_seq_k = {} must not be negative", p.max_seq_q,
                             p.max_seq_k)};
  if (e.packed) {
    if (p.seq_q > 0 && p.max_seq_q == 0)
      return Error{"a packed batch (cu_seqlens_q) needs max_seq_q, the longest query sequence"};
    if (p.seq_k > 0 && p.max_seq_k == 0)
      return Error{"a packed batch (cu_seqlens_k) needs max_seq_k, the longest key sequence"};
    e.max_seq_q = p.max_seq_q;
    e.max_seq_k = p.max_seq_k;
  } else if (p.max_seq_k > 0) {
    e.max_seq_k = p.max_seq_k;
  }
  if (e.max_seq_q > p.seq_q)
    return Error{
        fmt::format("max_seq_q = {} is more than the {} query rows (seq_q)", e.max_seq_q, p.seq_q)};
  if (e.max_seq_k > p.seq_k)
    return Error{
        fmt::format("max_seq_k = {} is more than the {} key rows (seq_k)", e.max_seq_k, p.seq_k)};
  return e;
}

Result<void> check_cu_seqlens(const int32_t* cu, int batch, int total, int max_len,
                              std::string_view name) {
  if (!cu) return Error{fmt::format("{} is null", name)};
  if (cu[0] != 0) return Error{fmt::format("{}[0] = {} must be 0", name, cu[0])};
  for (int b = 0; b < batch; ++b) {
    const int64_t len = int64_t(cu[b + 1]) - cu[b];
    if (len < 0)
      return Error{fmt::format("{} decreases at {}: {} then {} (offsets must not decrease)", name,
                               b + 1, cu[b], cu[b + 1])};
    if (len > max_len)
      return Error{fmt::format("sequence {} has length {} in {}, more than the maximum {}", b, len,
                               name, max_len)};
  }
  if (cu[batch] != total)
    return Error{
        fmt::format("{}[{}] = {} must equal the total rows {}", name, batch, cu[batch], total)};
  return {};
}

Result<void> check_seqused_k(const int32_t* used, const int32_t* cu_seqlens_k, int batch,
                             int seq_k) {
  for (int b = 0; b < batch; ++b) {
    const int len = cu_seqlens_k ? cu_seqlens_k[b + 1] - cu_seqlens_k[b] : seq_k;
    if (used[b] < 0 || used[b] > len)
      return Error{fmt::format("seqused_k[{}] = {} is outside [0, {}], the keys of sequence {}", b,
                               used[b], len, b)};
  }
  return {};
}

Result<std::vector<int32_t>> cu_seqlens_of(const std::vector<int>& lengths) {
  std::vector<int32_t> cu{0};
  int64_t total = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    if (lengths[i] < 0)
      return Error{fmt::format("sequence {} has negative length {}", i, lengths[i])};
    total += lengths[i];
    if (total > std::numeric_limits<int32_t>::max())
      return Error{fmt::format("the sequences hold {} or more rows; at most 2^31 - 1", total)};
    cu.push_back(int32_t(total));
  }
  return cu;
}

Result<std::vector<int>> parse_lengths(std::string_view text, std::string_view flag) {
  std::vector<int> out;
  if (text.empty()) return Error{fmt::format("{}: expected a list of lengths, got nothing", flag)};
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    const std::string_view item =
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    int v = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || v < 0)
      return Error{
          fmt::format("{}: '{}' is not a length (a non-negative integer below 2^31)", flag, item)};
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

namespace {

TensorRef move_rows(const TensorRef& t, bool packed, int b, int start, int elem_bytes) {
  TensorRef r = t;
  const int64_t elems = packed ? int64_t(start) * t.stride_seq : int64_t(b) * t.stride_batch;
  r.data = static_cast<char*>(t.data) + elems * elem_bytes;
  return r;
}

} // namespace

Result<void> for_each_sequence(const Problem& p, int elem_bytes,
                               const std::function<Result<void>(const Problem&)>& run) {
  Result<VarlenExtent> ext = varlen_extent(p);
  if (!ext) return ext.error();
  if (!ext->any) return run(p);
  if (p.batch <= 0 || p.heads <= 0) return Error{"batch and heads must be positive"};
  if (ext->packed) {
    if (auto r = check_cu_seqlens(p.cu_seqlens_q, p.batch, p.seq_q, ext->max_seq_q, "cu_seqlens_q");
        !r)
      return r;
    if (auto r = check_cu_seqlens(p.cu_seqlens_k, p.batch, p.seq_k, ext->max_seq_k, "cu_seqlens_k");
        !r)
      return r;
  }
  if (p.seqused_k)
    if (auto r = check_seqused_k(p.seqused_k, p.cu_seqlens_k, p.batch, p.seq_k); !r) return r;
  std::vector<float> lse;
  for (int b = 0; b < p.batch; ++b) {
    Problem s = p;
    s.cu_seqlens_q = s.cu_seqlens_k = s.seqused_k = nullptr;
    s.max_seq_q = s.max_seq_k = 0;
    s.batch = 1;
    const int q0 = ext->packed ? p.cu_seqlens_q[b] : 0;
    const int k0 = ext->packed ? p.cu_seqlens_k[b] : 0;
    s.seq_q = ext->packed ? p.cu_seqlens_q[b + 1] - q0 : p.seq_q;
    s.seq_k = ext->packed ? p.cu_seqlens_k[b + 1] - k0 : p.seq_k;
    if (p.seqused_k) s.seq_k = p.seqused_k[b];
    s.q = move_rows(p.q, ext->packed, b, q0, elem_bytes);
    s.o = move_rows(p.o, ext->packed, b, q0, elem_bytes);
    s.k = move_rows(p.k, ext->packed, b, k0, elem_bytes);
    s.v = move_rows(p.v, ext->packed, b, k0, elem_bytes);
    // A padded batch's LSE rows of sequence b are contiguous ([heads, seq_q]); a packed batch's
    // ([heads, total_q]) are not, so they go through a scratch buffer.
    if (p.lse && ext->packed) {
      lse.assign(size_t(p.heads) * s.seq_q, 0.f);
      s.lse = lse.data();
    } else if (p.lse) {
      s.lse = p.lse + int64_t(b) * p.heads * p.seq_q;
    }
    if (auto r = run(s); !r) return Error{fmt::format("sequence {}: {}", b, r.error().message)};
    if (p.lse && ext->packed)
      for (int h = 0; h < p.heads; ++h)
        std::copy_n(lse.begin() + size_t(h) * s.seq_q, s.seq_q, p.lse + int64_t(h) * p.seq_q + q0);
  }
  return {};
}

} // namespace attnjit
