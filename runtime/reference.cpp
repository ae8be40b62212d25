#include "runtime/reference.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>

namespace attnjit {

ReferenceOutput reference_attention(const ReferenceProblem& p, const MaskPredicate& mask,
                                    std::vector<int> rows, int threads) {
  if (rows.empty()) {
    rows.resize(size_t(p.seq_q));
    std::iota(rows.begin(), rows.end(), 0);
  }
  const int64_t D = p.head_dim, R = int64_t(rows.size());
  const double scale = p.scale != 0 ? p.scale : 1.0 / std::sqrt(double(D));
  const int group = p.heads / p.kv_heads;
  ReferenceOutput out;
  out.o.assign(size_t(p.batch) * p.heads * R * D, 0.0);
  out.lse.assign(size_t(p.batch) * p.heads * R, -std::numeric_limits<double>::infinity());

  // Work items are (batch, head, row); each thread takes the next one.
  const int64_t items = int64_t(p.batch) * p.heads * R;
  std::atomic<int64_t> next{0};
  auto worker = [&] {
    std::vector<double> s(size_t(p.seq_k));
    std::vector<int64_t> keys;
    keys.reserve(size_t(p.seq_k));
    for (int64_t it; (it = next.fetch_add(1)) < items;) {
      const int64_t i = it % R, bh = it / R, h = bh % p.heads, b = bh / p.heads;
      const int64_t len_k = p.seqlens_k ? p.seqlens_k[b] : p.seq_k;
      const int64_t row = rows[size_t(i)], qpos = row + len_k - p.seq_q;
      const int64_t kvh = h / group;
      const float* qv = p.q + ((b * p.heads + h) * p.seq_q + row) * D;
      const float* kb = p.k + (b * p.kv_heads + kvh) * int64_t(p.seq_k) * D;
      const float* vb = p.v + (b * p.kv_heads + kvh) * int64_t(p.seq_k) * D;
      keys.clear();
      double m = -std::numeric_limits<double>::infinity();
      for (int64_t kk = 0; kk < len_k; ++kk) {
        if (!mask(qpos, kk)) continue;
        double dot = 0;
        for (int64_t d = 0; d < D; ++d) dot += double(qv[d]) * double(kb[kk * D + d]);
        s[size_t(kk)] = dot * scale;
        m = std::max(m, s[size_t(kk)]);
        keys.push_back(kk);
      }
      if (keys.empty()) continue; // zeros and -inf, already there
      double l = 0;
      double* o = out.o.data() + it * D;
      for (int64_t kk : keys) {
        double w = std::exp(s[size_t(kk)] - m);
        l += w;
        for (int64_t d = 0; d < D; ++d) o[d] += w * double(vb[kk * D + d]);
      }
      for (int64_t d = 0; d < D; ++d) o[d] /= l;
      out.lse[size_t(it)] = m + std::log(l);
    }
  };
  int n = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (int t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return out;
}

double relative_error(const std::vector<double>& a, const std::vector<double>& b) {
  double num = 0, den = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    double d = a[i] - b[i];
    num += d * d;
    den += b[i] * b[i];
  }
  if (a.size() != b.size()) return std::numeric_limits<double>::quiet_NaN();
  if (den == 0) return num == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  return std::sqrt(num / den);
}

} // namespace attnjit
