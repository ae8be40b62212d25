#include "compiler/bind_params.h"

#include "compiler/eval_mask.h"
#include "dsl/names.h"
#include "dsl/print.h"
#include "templates/mask_support.cuh"

#include <algorithm>
#include <climits>
#include <optional>

namespace attnjit {
namespace {

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The value of a q/k-free argument, and how to name it in a message ("'W' = -3" or "-3").
std::string describe(const Expr& e, int64_t v) {
  if (e.op() == Op::Lit) return std::to_string(v);
  return quoted(to_canonical(e)) + " = " + std::to_string(v);
}

struct RuleChecker {
  const MaskProgram& program;
  const std::vector<int64_t>& values;
  std::vector<std::string> errors;

  int64_t value(const Expr& e) { return eval_constant(e, program.params, values); }

  void require(const Expr& arg, bool positive, const std::string& what) {
    const int64_t v = value(arg);
    if (positive && v <= 0)
      errors.push_back("the " + what + " must be positive, found " + describe(arg, v));
    if (!positive && v < 0)
      errors.push_back("the " + what + " must not be negative, found " + describe(arg, v));
  }

  void visit(const Expr& e) {
    for (const ExprPtr& a : e.args()) visit(*a);
    switch (e.op()) {
    case Op::Div:
    case Op::Mod:
      require(*e.arg(1), true, std::string("divisor of '") + op_spelling(e.op()) + "'");
      break;
    case Op::Window:
      require(*e.arg(0), false, "left size of 'window'");
      require(*e.arg(1), false, "right size of 'window'");
      break;
    case Op::Dilated:
      require(*e.arg(0), false, "left size of 'dilated'");
      require(*e.arg(1), false, "right size of 'dilated'");
      require(*e.arg(2), true, "dilation of 'dilated'");
      break;
    case Op::Sink:
    case Op::Global:
    case Op::Prefix:
      require(*e.arg(0), false, std::string("size of '") + op_spelling(e.op()) + "'");
      break;
    case Op::Chunk:
      require(*e.arg(0), true, "size of 'chunk'");
      break;
    default:
      break;
    }
  }
};

// Interval arithmetic over the normalized mask; the first integer subexpression (innermost
// first) whose range leaves 32 bits is reported.
struct RangeProver {
  const MaskProgram& program;
  const std::vector<int64_t>& values;
  Interval q, k;
  std::optional<std::string> error;

  Interval range(const Expr& e) {
    Interval r{0, 0};
    switch (e.op()) {
    case Op::Lit:
      r = {e.value(), e.value()};
      break;
    case Op::Param: {
      const int64_t v = eval_constant(e, program.params, values);
      r = {v, v};
      break;
    }
    case Op::Q:
      r = q;
      break;
    case Op::K:
      r = k;
      break;
    default: {
      if (e.type() == Type::Bool) {
        for (const ExprPtr& a : e.args()) range(*a);
        return r;
      }
      Interval x = range(*e.arg(0));
      Interval y = e.args().size() > 1 ? range(*e.arg(1)) : x;
      switch (e.op()) {
      case Op::Neg:
        r = {-x.hi, -x.lo};
        break;
      case Op::Abs:
        r = x.lo >= 0 ? x
                      : (x.hi <= 0 ? Interval{-x.hi, -x.lo} : Interval{0, std::max(-x.lo, x.hi)});
        break;
      case Op::Add:
        r = {sat_add(x.lo, y.lo), sat_add(x.hi, y.hi)};
        break;
      case Op::Sub:
        r = {sat_add(x.lo, -y.hi), sat_add(x.hi, -y.lo)};
        break;
      case Op::Mul: {
        const long long p[4] = {sat_mul(x.lo, y.lo), sat_mul(x.lo, y.hi), sat_mul(x.hi, y.lo),
                                sat_mul(x.hi, y.hi)};
        r = {*std::min_element(p, p + 4), *std::max_element(p, p + 4)};
        break;
      }
      case Op::Div:
        r = interval_div(x, y);
        break;
      case Op::Mod:
        r = interval_mod(x, y);
        break;
      case Op::Min:
        r = {std::min(x.lo, y.lo), std::min(x.hi, y.hi)};
        break;
      case Op::Max:
        r = {std::max(x.lo, y.lo), std::max(x.hi, y.hi)};
        break;
      default:
        break;
      }
    }
    }
    if (!error && (r.lo < INT32_MIN || r.hi > INT32_MAX))
      error = "the subexpression " + quoted(to_canonical(e)) + " can reach " +
              std::to_string(r.lo < INT32_MIN ? r.lo : r.hi) +
              ", which does not fit 32 bits; the kernels compute in 32-bit integers";
    return r;
  }
};

} // namespace

Result<std::vector<int64_t>>
bind_params(const MaskProgram& program, const std::vector<std::pair<std::string, int64_t>>& given) {
  const std::vector<std::string>& names = program.params;
  std::vector<std::optional<int64_t>> bound(names.size());
  std::vector<std::string> errors;
  for (const auto& [name, v] : given) {
    auto it = std::lower_bound(names.begin(), names.end(), name);
    if (it != names.end() && *it == name) {
      auto& slot = bound[size_t(it - names.begin())];
      if (slot) errors.push_back("parameter " + quoted(name) + " is given more than once");
      slot = v;
      continue;
    }
    std::string msg = quoted(name) + " is not a parameter of this mask";
    if (names.empty()) {
      errors.push_back(msg + " (it has none)");
      continue;
    }
    const std::string* best = nullptr;
    int best_d = INT_MAX;
    for (const std::string& n : names) {
      const int d = edit_distance(name, n);
      if (d < best_d) best_d = d, best = &n;
    }
    msg += " (its parameters: " + join(names) + ")";
    if (best_d <= std::max<int>(2, int(name.size()) / 3))
      msg += "; did you mean " + quoted(*best) + "?";
    errors.push_back(msg);
  }
  for (size_t i = 0; i < names.size(); ++i)
    if (!bound[i]) errors.push_back("parameter " + quoted(names[i]) + " is not bound");
  if (!errors.empty()) {
    std::string msg;
    for (const std::string& e : errors) msg += (msg.empty() ? "" : "\n") + ("launch error: " + e);
    return Error{msg};
  }
  std::vector<int64_t> values;
  for (const auto& v : bound) values.push_back(*v);
  return values;
}

Result<void> check_launch(const MaskProgram& program, const std::vector<int64_t>& values,
                          int64_t seq_q, int64_t seq_k) {
  if (values.size() != program.params.size())
    return Error{"launch error: the mask takes " + std::to_string(program.params.size()) +
                 " parameter values, got " + std::to_string(values.size())};
  if (seq_q < 0 || seq_k < 0) return Error{"launch error: sequence lengths must not be negative"};
  RuleChecker rules{program, values, {}};
  rules.visit(*program.checked);
  if (!rules.errors.empty()) return Error{"launch error: " + rules.errors.front()};
  if (seq_q == 0 || seq_k == 0) return {};
  RangeProver prover{program, values, {seq_k - seq_q, seq_k - 1}, {0, seq_k - 1}, std::nullopt};
  prover.range(*program.normalized);
  if (prover.error)
    return Error{"launch error: " + *prover.error + " (seq_q " + std::to_string(seq_q) +
                 ", seq_k " + std::to_string(seq_k) + ")"};
  return {};
}

} // namespace attnjit
