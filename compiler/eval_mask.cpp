#include "compiler/eval_mask.h"

#include "templates/mask_support.cuh"

#include <algorithm>
#include <cassert>

namespace attnjit {
namespace {

// Division by a non-positive value is refused at launch (check_launch); the interpreter still
// gives it a value, Python's, so that nothing here is undefined.
int64_t div_floor(int64_t a, int64_t b) {
  return b == 0 ? 0 : floor_div((long long)a, (long long)b);
}
int64_t mod_floor(int64_t a, int64_t b) {
  return b == 0 ? 0 : a - div_floor(a, b) * b;
}

bool reads_position(const Expr& e) {
  if (e.op() == Op::Q || e.op() == Op::K || is_builtin(e.op())) return true;
  for (const ExprPtr& a : e.args())
    if (reads_position(*a)) return true;
  return false;
}

// Opcodes: the IR's operators, plus a constant push.
constexpr uint8_t kPush = 255;

int64_t apply(Op op, int64_t a, int64_t b) {
  switch (op) {
  case Op::Neg:
    return -a;
  case Op::Add:
    return a + b;
  case Op::Sub:
    return a - b;
  case Op::Mul:
    return a * b;
  case Op::Div:
    return div_floor(a, b);
  case Op::Mod:
    return mod_floor(a, b);
  case Op::Abs:
    return a < 0 ? -a : a;
  case Op::Min:
    return std::min(a, b);
  case Op::Max:
    return std::max(a, b);
  case Op::Lt:
    return a < b;
  case Op::Le:
    return a <= b;
  case Op::Gt:
    return a > b;
  case Op::Ge:
    return a >= b;
  case Op::Eq:
    return a == b;
  case Op::Ne:
    return a != b;
  case Op::And:
    return a && b;
  case Op::Or:
    return a || b;
  case Op::Not:
    return !a;
  default:
    assert(false && "not a value operator");
    return 0;
  }
}

// The built-ins by their definitions in DESIGN.md.
bool builtin(Op op, int64_t q, int64_t k, int64_t x, int64_t y, int64_t z) {
  switch (op) {
  case Op::Causal:
    return k <= q;
  case Op::Window:
    return q - x <= k && k <= q + y;
  case Op::Sink:
    return k < x;
  case Op::Global:
    return k < x || q < x;
  case Op::Prefix:
    return q < x && k < x;
  case Op::Chunk:
    return div_floor(q, x) == div_floor(k, x);
  case Op::Dilated:
    return q - x <= k && k <= q + y && mod_floor(q - k, z) == 0;
  default:
    assert(false && "not a built-in");
    return false;
  }
}

struct Compiler {
  const std::vector<std::string>& names;
  const std::vector<int64_t>& values;
  std::vector<MaskEvaluator::Instr> code;
  int sp = 0, depth = 0;

  void emit(uint8_t op, int delta, int64_t x = 0, int64_t y = 0, int64_t z = 0) {
    code.push_back({op, x, y, z});
    sp += delta;
    depth = std::max(depth, sp);
  }
  void lower(const Expr& e) {
    if (!reads_position(e)) return emit(kPush, +1, eval_constant(e, names, values));
    if (is_builtin(e.op())) {
      int64_t a[3] = {0, 0, 0};
      for (size_t i = 0; i < e.args().size(); ++i) a[i] = eval_constant(*e.arg(i), names, values);
      return emit((uint8_t)e.op(), +1, a[0], a[1], a[2]);
    }
    if (e.op() == Op::Q || e.op() == Op::K) return emit((uint8_t)e.op(), +1);
    for (const ExprPtr& a : e.args()) lower(*a);
    // n-ary & and | fold pairwise.
    for (size_t i = 1; i < std::max<size_t>(e.args().size(), 1); ++i) emit((uint8_t)e.op(), -1);
    if (e.args().size() == 1) emit((uint8_t)e.op(), 0);
  }
};

} // namespace

int64_t eval_constant(const Expr& e, const std::vector<std::string>& names,
                      const std::vector<int64_t>& values) {
  assert(!reads_position(e) && "eval_constant on an expression that reads q or k");
  switch (e.op()) {
  case Op::Lit:
    return e.value();
  case Op::Param: {
    auto it = std::lower_bound(names.begin(), names.end(), e.name());
    assert(it != names.end() && *it == e.name() && "parameter without a value");
    return values[size_t(it - names.begin())];
  }
  case Op::True:
    return 1;
  case Op::False:
    return 0;
  default:
    break;
  }
  const int64_t a = eval_constant(*e.arg(0), names, values);
  if (e.args().size() == 1) return apply(e.op(), a, 0);
  int64_t acc = a;
  for (size_t i = 1; i < e.args().size(); ++i)
    acc = apply(e.op(), acc, eval_constant(*e.arg(i), names, values));
  return acc;
}

MaskEvaluator::MaskEvaluator(const MaskProgram& program, const std::vector<int64_t>& values)
    : MaskEvaluator(program.checked, program.params, values) {}

MaskEvaluator::MaskEvaluator(const ExprPtr& mask, const std::vector<std::string>& names,
                             const std::vector<int64_t>& values) {
  assert(names.size() == values.size() && "one value per parameter");
  assert(std::is_sorted(names.begin(), names.end()) && "parameter names are sorted");
  Compiler c{names, values, {}};
  c.lower(*mask);
  assert(c.sp == 1 && "a mask leaves one value");
  code_ = std::move(c.code);
  depth_ = c.depth;
}

bool MaskEvaluator::operator()(int64_t q, int64_t k) const {
  int64_t stack[64];
  std::vector<int64_t> big;
  int64_t* st = stack;
  if (depth_ > 64) {
    big.resize(size_t(depth_));
    st = big.data();
  }
  int sp = 0;
  for (const Instr& in : code_) {
    switch (in.op) {
    case kPush:
      st[sp++] = in.x;
      break;
    case uint8_t(Op::Q):
      st[sp++] = q;
      break;
    case uint8_t(Op::K):
      st[sp++] = k;
      break;
    case uint8_t(Op::Causal):
    case uint8_t(Op::Window):
    case uint8_t(Op::Sink):
    case uint8_t(Op::Global):
    case uint8_t(Op::Prefix):
    case uint8_t(Op::Chunk):
    case uint8_t(Op::Dilated):
      st[sp++] = builtin(Op(in.op), q, k, in.x, in.y, in.z);
      break;
    case uint8_t(Op::Neg):
    case uint8_t(Op::Abs):
    case uint8_t(Op::Not):
      st[sp - 1] = apply(Op(in.op), st[sp - 1], 0);
      break;
    default:
      --sp;
      st[sp - 1] = apply(Op(in.op), st[sp - 1], st[sp]);
    }
  }
  return st[0] != 0;
}

} // namespace attnjit
