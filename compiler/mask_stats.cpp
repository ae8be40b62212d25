#include "compiler/mask_stats.h"

#include "compiler/classify_blocks.h"
#include "compiler/eval_mask.h"
#include "compiler/key_ranges.h"

#include <algorithm>

namespace attnjit {

namespace {

// Attended pairs of a PARTIAL box: quarter it while the classifier can settle the quarters
// (sound, so FULL and EMPTY quarters count exactly), count pair by pair once small.
int64_t count_pairs(const BlockClassifier& classify, const MaskEvaluator& attend, int64_t q0,
                    int64_t q1, int64_t k0, int64_t k1) {
  if ((q1 - q0 + 1) * (k1 - k0 + 1) <= 256) {
    int64_t n = 0;
    for (int64_t q = q0; q <= q1; ++q)
      for (int64_t k = k0; k <= k1; ++k) n += attend(q, k);
    return n;
  }
  const int64_t qm = q0 + (q1 - q0) / 2, km = k0 + (k1 - k0) / 2;
  const int64_t qs[2][2] = {{q0, qm}, {qm + 1, q1}}, ks[2][2] = {{k0, km}, {km + 1, k1}};
  int64_t n = 0;
  for (const auto& qr : qs)
    for (const auto& kr : ks) {
      if (qr[0] > qr[1] || kr[0] > kr[1]) continue;
      const BlockClass c = classify(qr[0], qr[1], kr[0], kr[1]);
      if (c == BlockClass::Full)
        n += (qr[1] - qr[0] + 1) * (kr[1] - kr[0] + 1);
      else if (c == BlockClass::Partial)
        n += count_pairs(classify, attend, qr[0], qr[1], kr[0], kr[1]);
    }
  return n;
}

} // namespace

Result<MaskStats> mask_stats(const MaskProgram& program, const std::vector<int64_t>& values,
                             int64_t seq_q, int64_t seq_k, int64_t block_m, int64_t block_n) {
  if (seq_q <= 0 || seq_k <= 0 || block_m <= 0 || block_n <= 0)
    return Error{"sequence lengths and tile sizes must be positive"};
  if (values.size() != program.params.size())
    return Error{"the mask takes " + std::to_string(program.params.size()) +
                 " parameter values, got " + std::to_string(values.size())};
  const BlockClassifier classify(program, values);
  const KeyRanges ranges(program, values);
  const MaskEvaluator attend(program, values);
  MaskStats s;
  s.seq_q = seq_q, s.seq_k = seq_k, s.block_m = block_m, s.block_n = block_n;
  const int64_t offset = seq_k - seq_q;
  const int64_t tiles_n = (seq_k + block_n - 1) / block_n;
  for (int64_t r0 = 0; r0 < seq_q; r0 += block_m) {
    const int64_t rows = std::min(block_m, seq_q - r0);
    const int64_t q0 = r0 + offset, q1 = q0 + rows - 1;
    std::string line(size_t(tiles_n), '.');
    for (int64_t t = 0; t < tiles_n; ++t) {
      const int64_t k0 = t * block_n, k1 = std::min(k0 + block_n, seq_k) - 1;
      const BlockClass c = classify(q0, q1, k0, k1);
      line[size_t(t)] = block_char(c);
      if (c == BlockClass::Empty) {
        ++s.empty_blocks;
      } else if (c == BlockClass::Full) {
        ++s.full_blocks;
        s.attended_pairs += rows * (k1 - k0 + 1);
      } else {
        ++s.partial_blocks;
        s.attended_pairs += count_pairs(classify, attend, q0, q1, k0, k1);
      }
    }
    s.block_map.push_back(std::move(line));
    // Key tiles the walk set touches: intervals arrive sorted, so tile ranges only ever touch
    // the previous one.
    int64_t last = -1, walked_cols = 0;
    for (const KeyInterval& iv : ranges(q0, q1)) {
      const int64_t lo = std::max<int64_t>(iv.lo, 0), hi = std::min<int64_t>(iv.hi, seq_k - 1);
      if (lo > hi) continue;
      const int64_t t0 = std::max(lo / block_n, last + 1), t1 = hi / block_n;
      for (int64_t t = t0; t <= t1; ++t)
        walked_cols += std::min(t * block_n + block_n, seq_k) - t * block_n;
      last = std::max(last, t1);
    }
    s.walked_pairs += rows * walked_cols;
  }
  const double area = double(seq_q) * double(seq_k);
  s.pair_density = double(s.attended_pairs) / area;
  s.walked_density = double(s.walked_pairs) / area;
  s.ratio = s.walked_pairs ? double(s.attended_pairs) / double(s.walked_pairs) : 0.0;
  return s;
}

} // namespace attnjit
