#include "runtime/cpu/check_problem.h"

#include "compiler/bind_params.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace attnjit::cpu {

namespace {

std::string join_names(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

int64_t floor_div(int64_t a, int64_t d) {
  int64_t q = a / d;
  return (a % d != 0 && ((a % d < 0) != (d < 0))) ? q - 1 : q;
}

// Value of an expression free of q and k; nullopt where it cannot be known before a launch.
std::optional<int64_t> eval_const(const Expr& e, const std::map<std::string, int64_t>& values) {
  auto arg = [&](size_t i) { return eval_const(*e.arg(i), values); };
  switch (e.op()) {
  case Op::Lit:
    return e.value();
  case Op::Param:
    return values.at(e.name());
  case Op::Neg: {
    auto a = arg(0);
    return a ? std::optional(-*a) : std::nullopt;
  }
  case Op::Add:
  case Op::Sub:
  case Op::Mul:
  case Op::Min:
  case Op::Max:
  case Op::Div:
  case Op::Mod: {
    auto a = arg(0), b = arg(1);
    if (!a || !b) return std::nullopt;
    switch (e.op()) {
    case Op::Add:
      return *a + *b;
    case Op::Sub:
      return *a - *b;
    case Op::Mul:
      return *a * *b;
    case Op::Min:
      return std::min(*a, *b);
    case Op::Max:
      return std::max(*a, *b);
    default:
      break;
    }
    if (*b <= 0) return std::nullopt;
    return e.op() == Op::Div ? floor_div(*a, *b) : *a - floor_div(*a, *b) * *b;
  }
  case Op::Abs: {
    auto a = arg(0);
    return a ? std::optional(*a < 0 ? -*a : *a) : std::nullopt;
  }
  default:
    return std::nullopt;
  }
}

// Divisors of `/`, `%`, chunk(c) and dilated(.., .., d) must be positive at launch.
std::optional<std::string> check_divisors(const Expr& e,
                                          const std::map<std::string, int64_t>& values) {
  const Expr* divisor = nullptr;
  if (e.op() == Op::Div || e.op() == Op::Mod) divisor = e.arg(1).get();
  if (e.op() == Op::Chunk) divisor = e.arg(0).get();
  if (e.op() == Op::Dilated) divisor = e.arg(2).get();
  if (divisor && !mentions_q(*divisor) && !mentions_k(*divisor)) {
    auto v = eval_const(*divisor, values);
    if (v && *v <= 0)
      return "the divisor of '" + std::string(op_spelling(e.op())) + "' must be positive, got " +
             std::to_string(*v) + " from the parameter values given";
  }
  for (const ExprPtr& a : e.args())
    if (auto err = check_divisors(*a, values)) return err;
  return std::nullopt;
}

Result<void> check_tensor(const TensorRef& t, const char* name) {
  if (!t.data) return Error{std::string("tensor ") + name + " is null"};
  return {};
}

} // namespace

Result<std::vector<int64_t>> check_problem(const Problem& p, const MaskProgram& mask) {
  for (auto [t, name] : {std::pair{&p.q, "q"}, {&p.k, "k"}, {&p.v, "v"}, {&p.o, "o"}})
    if (auto r = check_tensor(*t, name); !r) return r.error();
  if (p.batch < 1 || p.heads < 1 || p.kv_heads < 1)
    return Error{"batch, heads and kv_heads must be positive (got " + std::to_string(p.batch) +
                 ", " + std::to_string(p.heads) + ", " + std::to_string(p.kv_heads) + ")"};
  if (p.heads % p.kv_heads != 0)
    return Error{"heads (" + std::to_string(p.heads) + ") must be a multiple of kv_heads (" +
                 std::to_string(p.kv_heads) + ")"};
  if (p.seq_q < 0 || p.seq_k < 0)
    return Error{"sequence lengths must not be negative (seq_q " + std::to_string(p.seq_q) +
                 ", seq_k " + std::to_string(p.seq_k) + ")"};

  std::map<std::string, int64_t> values;
  for (const auto& [name, value] : p.params) {
    if (!std::binary_search(mask.params.begin(), mask.params.end(), name))
      return Error{"'" + name + "' is not a parameter of the mask (its parameters: " +
                   join_names(mask.params) + ")"};
    if (!values.emplace(name, value).second)
      return Error{"parameter '" + name + "' is given more than once"};
  }
  std::vector<int64_t> ordered;
  for (const std::string& name : mask.params) {
    auto it = values.find(name);
    if (it == values.end()) return Error{"parameter '" + name + "' is not bound"};
    ordered.push_back(it->second);
  }
  const ExprPtr& tree = mask.normalized ? mask.normalized : mask.checked;
  if (auto err = check_divisors(*tree, values)) return Error{*err};
  // The language's launch rules (negative window sizes, ...) and the proof that the mask's
  // arithmetic fits 32 bits at these lengths, shared with the GPU path. The CPU kernel computes
  // in 64 bits, but a launch must succeed or fail alike on every backend.
  if (auto r = check_launch(mask, ordered, p.seq_q, p.seq_k); !r) return r.error();
  return ordered;
}

} // namespace attnjit::cpu
