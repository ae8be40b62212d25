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

// Opcodes: the IR's operators, plus a constant push and a built-in (Instr::builtin says which,
// x, y and z are its arguments).
constexpr uint8_t kPush = 255;
constexpr uint8_t kBuiltin = 254;

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

// ---- The batched interpreter (MaskEvaluator::row): each instruction over a chunk of keys.
//
// A stack level holds one of three things: a value that does not read k (the same for every
// key of the chunk, kept once), an integer per key (int64 lanes), or a boolean per key (byte
// lanes, 0 or 1). Which one follows from the instruction that made it, since the tree is typed:
// & | ! take booleans, every other operator integers; K and arithmetic make integers,
// comparisons, & | ! and the built-ins booleans. Booleans in bytes are what makes the common
// masks cheap: a built-in is one range of keys, written 16 lanes per SSE2 store.

// Keys per chunk: the stack holds one array of this many lanes per level, and every loop below
// runs over at most this many, short enough to stay in L1 and long enough to hide the dispatch.
constexpr int kLanes = 64;

enum Lanes : uint8_t { kSame, kInts, kBools };

// out[j] = f(x, y) for j < m, x = a[j] when `va`, else a[0] (a value the same in every lane),
// y likewise. `out` may be `a`.
template <class Out, class In, class F>
void map_lanes(F f, Out* out, const In* a, bool va, const In* b, bool vb, int m) {
  if (va && vb) {
    for (int j = 0; j < m; ++j) out[j] = Out(f(a[j], b[j]));
  } else if (va) {
    const In y = b[0];
    for (int j = 0; j < m; ++j) out[j] = Out(f(a[j], y));
  } else {
    const In x = a[0];
    for (int j = 0; j < m; ++j) out[j] = Out(f(x, b[j]));
  }
}

// Comparisons and selections in the operations SSE2 has for 64-bit lanes (subtract, and, or,
// xor, logical shift), which the baseline x86-64 build vectorizes; plain `x < y` on int64 lanes
// it leaves scalar (pcmpgtq is SSE4.2).
inline int64_t nonzero(int64_t x) {
  const uint64_t u = uint64_t(x);
  return int64_t((u | (0 - u)) >> 63);
}
// x < y: the sign of x - y, corrected where the subtraction overflows (Hacker's Delight 2-12).
inline int64_t less(int64_t x, int64_t y) {
  const uint64_t a = uint64_t(x), b = uint64_t(y), d = a - b;
  return int64_t((d ^ ((a ^ b) & (d ^ a))) >> 63);
}
// c ? x : y for c in {0, 1}.
inline int64_t select(int64_t c, int64_t x, int64_t y) {
  const uint64_t mask = 0 - uint64_t(c);
  return int64_t((uint64_t(x) & mask) | (uint64_t(y) & ~mask));
}

// The integer operators of `apply`, into a.
void arithmetic_lanes(Op op, int64_t* a, bool va, const int64_t* b, bool vb, int m) {
  using I = int64_t;
  switch (op) {
  case Op::Add:
    return map_lanes([](I x, I y) { return I(uint64_t(x) + uint64_t(y)); }, a, a, va, b, vb, m);
  case Op::Sub:
    return map_lanes([](I x, I y) { return I(uint64_t(x) - uint64_t(y)); }, a, a, va, b, vb, m);
  case Op::Mul:
    return map_lanes([](I x, I y) { return I(uint64_t(x) * uint64_t(y)); }, a, a, va, b, vb, m);
  case Op::Div:
    return map_lanes([](I x, I y) { return div_floor(x, y); }, a, a, va, b, vb, m);
  case Op::Mod:
    return map_lanes([](I x, I y) { return mod_floor(x, y); }, a, a, va, b, vb, m);
  case Op::Min:
    return map_lanes([](I x, I y) { return select(less(x, y), x, y); }, a, a, va, b, vb, m);
  case Op::Max:
    return map_lanes([](I x, I y) { return select(less(x, y), y, x); }, a, a, va, b, vb, m);
  default:
    assert(false && "not an integer operator");
  }
}

// The comparisons of `apply`: integers a, b into booleans `out`.
void comparison_lanes(Op op, uint8_t* out, const int64_t* a, bool va, const int64_t* b, bool vb,
                      int m) {
  using I = int64_t;
  switch (op) {
  case Op::Lt:
    return map_lanes([](I x, I y) { return less(x, y); }, out, a, va, b, vb, m);
  case Op::Le:
    return map_lanes([](I x, I y) { return 1 - less(y, x); }, out, a, va, b, vb, m);
  case Op::Gt:
    return map_lanes([](I x, I y) { return less(y, x); }, out, a, va, b, vb, m);
  case Op::Ge:
    return map_lanes([](I x, I y) { return 1 - less(x, y); }, out, a, va, b, vb, m);
  case Op::Eq:
    return map_lanes([](I x, I y) { return 1 - nonzero(x ^ y); }, out, a, va, b, vb, m);
  case Op::Ne:
    return map_lanes([](I x, I y) { return nonzero(x ^ y); }, out, a, va, b, vb, m);
  default:
    assert(false && "not a comparison");
  }
}

// & and | of booleans (0/1), into a.
void logic_lanes(Op op, uint8_t* a, bool va, const uint8_t* b, bool vb, int m) {
  using B = uint8_t;
  if (op == Op::And) return map_lanes([](B x, B y) { return x & y; }, a, a, va, b, vb, m);
  assert(op == Op::Or && "not a connective");
  map_lanes([](B x, B y) { return x | y; }, a, a, va, b, vb, m);
}

// - and abs of integers, in place.
void negate_lanes(Op op, int64_t* a, int m) {
  if (op == Op::Neg) {
    for (int j = 0; j < m; ++j) a[j] = int64_t(0 - uint64_t(a[j]));
    return;
  }
  assert(op == Op::Abs && "not an integer unary operator");
  for (int j = 0; j < m; ++j) {
    const uint64_t u = uint64_t(a[j]), sign = 0 - (u >> 63);
    a[j] = int64_t((u ^ sign) - sign);
  }
}

// Lanes j < m whose key kb + j is below `key`: the lanes of a key range start and end there.
// Exact in 128 bits, so that a range end past the int64 keys needs no care.
int lanes_below(__int128 key, int64_t kb, int m) {
  const __int128 d = key - kb;
  return d <= 0 ? 0 : d >= m ? m : int(d);
}

// out[j] = 1 for lanes [first, last), 0 for the others (j < m).
void interval_lanes(int first, int last, uint8_t* out, int m) {
  for (int j = 0; j < m; ++j) out[j] = uint8_t(j >= first) & uint8_t(j < last);
}

// Keys lo <= k <= hi.
void range_lanes(__int128 lo, __int128 hi, int64_t kb, uint8_t* out, int m) {
  interval_lanes(lanes_below(lo, kb, m), lanes_below(hi + 1, kb, m), out, m);
}

// A built-in (as `builtin`) for query q and keys kb + j, j < m. Each keeps one range of keys,
// worked out once from q, dilated then every |z|-th of them.
void builtin_lanes(Op op, int64_t q, int64_t kb, int64_t x, int64_t y, int64_t z, uint8_t* out,
                   int m) {
  using I = __int128;
  constexpr I kAll = I(1) << 64; // past every int64 key
  switch (op) {
  case Op::Causal:
    return range_lanes(-kAll, q, kb, out, m);
  case Op::Window:
    return range_lanes(I(q) - x, I(q) + y, kb, out, m);
  case Op::Sink:
    return range_lanes(-kAll, I(x) - 1, kb, out, m);
  case Op::Global:
    return range_lanes(-kAll, q < x ? kAll : I(x) - 1, kb, out, m);
  case Op::Prefix:
    if (q >= x) return interval_lanes(0, 0, out, m);
    return range_lanes(-kAll, I(x) - 1, kb, out, m);
  case Op::Chunk: {
    if (x == 0) return range_lanes(-kAll, kAll, kb, out, m); // div_floor(., 0) is 0 both sides
    // div_floor(k, x) == c: k in [c x, c x + x - 1] for x > 0, [c x + x + 1, c x] for x < 0.
    const I c = div_floor(q, x);
    if (x > 0) return range_lanes(c * x, c * x + x - 1, kb, out, m);
    return range_lanes(c * x + x + 1, c * x, kb, out, m);
  }
  case Op::Dilated: {
    range_lanes(I(q) - x, I(q) + y, kb, out, m);
    if (z == 0) return; // mod_floor(., 0) is 0
    // mod_floor(q - k, z) == 0 exactly when |z| divides q - k: lanes first, first + |z|, ...
    const I period = z < 0 ? -I(z) : I(z);
    I first = (I(q) - kb) % period;
    if (first < 0) first += period;
    const int64_t step = period < kLanes ? int64_t(period) : kLanes; // past: one lane at most
    int64_t next = first < m ? int64_t(first) : m;
    for (int j = 0; j < m; ++j) {
      if (j != next) {
        out[j] = 0;
        continue;
      }
      next += step;
    }
    return;
  }
  default:
    assert(false && "not a built-in");
  }
}

struct Compiler {
  const std::vector<std::string>& names;
  const std::vector<int64_t>& values;
  std::vector<MaskEvaluator::Instr> code;
  int sp = 0, depth = 0;

  void emit(uint8_t op, int delta, int64_t x = 0, int64_t y = 0, int64_t z = 0,
            uint8_t builtin = 0) {
    code.push_back({op, builtin, x, y, z});
    sp += delta;
    depth = std::max(depth, sp);
  }
  void lower(const Expr& e) {
    if (!reads_position(e)) return emit(kPush, +1, eval_constant(e, names, values));
    if (is_builtin(e.op())) {
      int64_t a[3] = {0, 0, 0};
      for (size_t i = 0; i < e.args().size(); ++i) a[i] = eval_constant(*e.arg(i), names, values);
      return emit(kBuiltin, +1, a[0], a[1], a[2], uint8_t(e.op()));
    }
    if (e.op() == Op::Q || e.op() == Op::K) return emit((uint8_t)e.op(), +1);
    // MaskEvaluator::row keeps booleans and integers apart by the operator that reads them.
    [[maybe_unused]] const bool logic = e.op() == Op::And || e.op() == Op::Or || e.op() == Op::Not;
    for (const ExprPtr& a : e.args()) {
      assert(a->type() == (logic ? Type::Bool : Type::Int) && "a typed tree");
      lower(*a);
    }
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
    case kBuiltin:
      st[sp++] = builtin(Op(in.builtin), q, k, in.x, in.y, in.z);
      break;
    case uint8_t(Op::Q):
      st[sp++] = q;
      break;
    case uint8_t(Op::K):
      st[sp++] = k;
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

void MaskEvaluator::row(int64_t q, int64_t k0, int n, uint8_t* out) const {
  // Level i: ints[i * kLanes ...] or bools[i * kLanes ...], as lanes[i] says; a kSame level
  // holds its value in ints[i * kLanes].
  constexpr int kSmallDepth = 16;
  alignas(64) int64_t small_ints[kSmallDepth * kLanes];
  alignas(64) uint8_t small_bools[kSmallDepth * kLanes];
  uint8_t small_lanes[kSmallDepth];
  std::vector<int64_t> big_ints;
  std::vector<uint8_t> big_bools, big_lanes;
  int64_t* ints = small_ints;
  uint8_t* bools = small_bools;
  uint8_t* lanes = small_lanes;
  if (depth_ > kSmallDepth) {
    big_ints.resize(size_t(depth_) * kLanes);
    big_bools.resize(size_t(depth_) * kLanes);
    big_lanes.resize(size_t(depth_));
    ints = big_ints.data();
    bools = big_bools.data();
    lanes = big_lanes.data();
  }
  for (int j0 = 0; j0 < n; j0 += kLanes) {
    const int m = std::min(kLanes, n - j0);
    const int64_t kb = k0 + j0;
    int sp = 0;
    for (const Instr& in : code_) {
      const Op op = Op(in.op);
      int64_t* top = ints + sp * kLanes; // the next free level
      uint8_t* top_bools = bools + sp * kLanes;
      switch (in.op) {
      case kBuiltin:
        builtin_lanes(Op(in.builtin), q, kb, in.x, in.y, in.z, top_bools, m);
        lanes[sp++] = kBools;
        continue;
      case kPush:
        top[0] = in.x;
        lanes[sp++] = kSame;
        continue;
      case uint8_t(Op::Q):
        top[0] = q;
        lanes[sp++] = kSame;
        continue;
      case uint8_t(Op::K):
        for (int j = 0; j < m; ++j) top[j] = kb + j;
        lanes[sp++] = kInts;
        continue;
      case uint8_t(Op::Neg):
      case uint8_t(Op::Abs):
      case uint8_t(Op::Not): {
        int64_t* a = top - kLanes;
        uint8_t* a_bools = top_bools - kLanes;
        if (lanes[sp - 1] == kSame) {
          a[0] = apply(op, a[0], 0);
        } else if (op == Op::Not) {
          for (int j = 0; j < m; ++j) a_bools[j] ^= 1;
        } else {
          negate_lanes(op, a, m);
        }
        continue;
      }
      default:
        break;
      }
      // Binary: level sp - 2 op level sp - 1, into level sp - 2.
      int64_t *a = top - 2 * kLanes, *b = top - kLanes;
      uint8_t *a_bools = top_bools - 2 * kLanes, *b_bools = top_bools - kLanes;
      --sp;
      const bool va = lanes[sp - 1] != kSame, vb = lanes[sp] != kSame;
      if (!va && !vb) {
        a[0] = apply(op, a[0], b[0]);
        continue;
      }
      if (op == Op::And || op == Op::Or) {
        // A value the same in every lane joins as a boolean in lane 0.
        if (!va) a_bools[0] = a[0] != 0;
        if (!vb) b_bools[0] = b[0] != 0;
        logic_lanes(op, a_bools, va, b_bools, vb, m);
        lanes[sp - 1] = kBools;
      } else if (is_comparison(op)) {
        comparison_lanes(op, a_bools, a, va, b, vb, m);
        lanes[sp - 1] = kBools;
      } else {
        arithmetic_lanes(op, a, va, b, vb, m);
        lanes[sp - 1] = kInts;
      }
    }
    assert(lanes[0] != kInts && "a mask is a boolean");
    if (lanes[0] == kSame) {
      std::fill(out + j0, out + j0 + m, uint8_t(ints[0] != 0));
      continue;
    }
    std::copy(bools, bools + m, out + j0);
  }
}

} // namespace attnjit
