// The shared vocabulary of mask analysis: floor division, three-valued logic, interval lists,
// and the block classifier and key-range walker that run over a mask's analysis plan.
//
// One header serves two worlds. The host analysis (compiler/classify_blocks, key_ranges) and
// the generated device struct (compiler/emit_mask_struct) both call the functions below on the
// same plan, so the kernel skips exactly the blocks the host analysis says it may. It compiles
// as host C++ and under NVRTC: no includes, no std::, fixed capacities, no recursion.
#pragma once

#ifndef ATTNJIT_HD
#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define ATTNJIT_HD __host__ __device__
#else
#define ATTNJIT_HD
#endif
#endif

// The plan interpreters below loop over atoms and formula entries up to compile-time bounds. On
// the device the generated struct passes its exact sizes and the loops are unrolled: the plan's
// tables are then indexed by constants, so they fold into registers and constants instead of a
// local-memory frame that every walk-list fill would write and reread. The host passes the
// largest bounds and keeps the loops rolled.
#ifndef ATTNJIT_UNROLL
#if defined(__CUDA_ARCH__)
#define ATTNJIT_UNROLL _Pragma("unroll")
#else
#define ATTNJIT_UNROLL
#endif
#endif

namespace attnjit {

// ---- Floor division and remainder (Python's // and %), divisor > 0 assumed by the language.

ATTNJIT_HD inline long long floor_div(long long a, long long b) {
  long long q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
ATTNJIT_HD inline long long floor_mod(long long a, long long b) {
  return a - floor_div(a, b) * b;
}
ATTNJIT_HD inline int floor_div(int a, int b) {
  int q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
ATTNJIT_HD inline int floor_mod(int a, int b) {
  return a - floor_div(a, b) * b;
}
ATTNJIT_HD inline long long ceil_div(long long a, long long b) {
  return -floor_div(-a, b);
}
ATTNJIT_HD inline int iabs(int a) {
  return a < 0 ? -a : a;
}
ATTNJIT_HD inline int imin(int a, int b) {
  return a < b ? a : b;
}
ATTNJIT_HD inline int imax(int a, int b) {
  return a > b ? a : b;
}
ATTNJIT_HD inline long long lmin(long long a, long long b) {
  return a < b ? a : b;
}
ATTNJIT_HD inline long long lmax(long long a, long long b) {
  return a > b ? a : b;
}

// ---- Saturating arithmetic. Analysis bounds live in [-kMaskInf, kMaskInf]; kMaskInf stands for
// "unbounded". It is far above any position (positions fit 32 bits) and a sum of two stays in
// 64 bits, so clamping after each step is enough.

constexpr long long kMaskInf = 1ll << 60;

ATTNJIT_HD inline long long sat(long long a) {
  return a > kMaskInf ? kMaskInf : (a < -kMaskInf ? -kMaskInf : a);
}
ATTNJIT_HD inline long long sat_add(long long a, long long b) {
  return sat(a + b);
}
// |a * b| > kMaskInf is tested as |b| > kMaskInf / |a| (the same test for positive integers),
// dividing by the first operand: callers pass the constant there (a coefficient of the mask),
// so the division folds at compile time. Dividing by a position instead leaves a 64-bit division
// per call in the kernel, a long instruction sequence that also lengthens NVRTC's compile.
ATTNJIT_HD inline long long sat_mul(long long a, long long b) {
  if (a == 0 || b == 0) return 0;
  const long long ma = a < 0 ? -a : a, mb = b < 0 ? -b : b;
  if (mb > kMaskInf / ma) return (a < 0) != (b < 0) ? -kMaskInf : kMaskInf;
  // |a * b| <= kMaskInf here, so the clamp never acts; it stays because dropping it shifted
  // ptxas's register allocation into more spills in some hd256 sm90 kernels.
  return sat(a * b);
}

// ---- Three-valued logic over a block: ordered so that AND is min and OR is max.

enum : int { kMaskEmpty = 0, kMaskPartial = 1, kMaskFull = 2 };

ATTNJIT_HD inline int tv_and(int a, int b) {
  return a < b ? a : b;
}
ATTNJIT_HD inline int tv_or(int a, int b) {
  return a > b ? a : b;
}
ATTNJIT_HD inline int tv_not(int a) {
  return 2 - a;
}

// ---- Closed integer intervals and small sorted, disjoint interval lists.

struct Interval {
  long long lo, hi; // inclusive; lo > hi is empty
};

ATTNJIT_HD inline Interval make_interval(long long lo, long long hi) {
  Interval r;
  r.lo = lo;
  r.hi = hi;
  return r;
}

// Sorted, disjoint, non-adjacent intervals; at most Cap of them. An operation whose exact result
// would need more merges the closest neighbours: the list then covers more, never less.
template <int Cap> struct IntervalList {
  static_assert(Cap >= 1, "an interval list holds at least one interval");
  int n;
  Interval v[Cap];

  ATTNJIT_HD IntervalList() : n(0) {}
  ATTNJIT_HD static IntervalList all() { return single(-kMaskInf, kMaskInf); }
  ATTNJIT_HD static IntervalList single(long long lo, long long hi) {
    IntervalList r;
    if (lo <= hi) r.v[r.n++] = make_interval(lo, hi);
    return r;
  }
  // Appends an interval that starts after every one held (merging when it touches the last).
  ATTNJIT_HD void push(long long lo, long long hi) {
    if (lo > hi) return;
    if (n > 0 && lo <= v[n - 1].hi + 1) {
      if (hi > v[n - 1].hi) v[n - 1].hi = hi;
      return;
    }
    if (n == Cap) {
      // Full: the gap before the new interval is the one we give up.
      if (hi > v[n - 1].hi) v[n - 1].hi = hi;
      return;
    }
    v[n++] = make_interval(lo, hi);
  }
};

template <int Cap>
ATTNJIT_HD inline IntervalList<Cap> list_union(const IntervalList<Cap>& a,
                                               const IntervalList<Cap>& b) {
  IntervalList<Cap> r;
  int i = 0, j = 0;
  while (i < a.n || j < b.n) {
    const bool take_a = j == b.n || (i < a.n && a.v[i].lo <= b.v[j].lo);
    const Interval x = take_a ? a.v[i++] : b.v[j++];
    r.push(x.lo, x.hi);
  }
  return r;
}

template <int Cap>
ATTNJIT_HD inline IntervalList<Cap> list_intersect(const IntervalList<Cap>& a,
                                                   const IntervalList<Cap>& b) {
  IntervalList<Cap> r;
  int i = 0, j = 0;
  while (i < a.n && j < b.n) {
    const long long lo = lmax(a.v[i].lo, b.v[j].lo), hi = lmin(a.v[i].hi, b.v[j].hi);
    r.push(lo, hi);
    if (a.v[i].hi < b.v[j].hi)
      ++i;
    else
      ++j;
  }
  return r;
}

template <int Cap>
ATTNJIT_HD inline IntervalList<Cap> list_clip(const IntervalList<Cap>& a, long long lo,
                                              long long hi) {
  return list_intersect(a, IntervalList<Cap>::single(lo, hi));
}

// ---- The analysis plan.
//
// A normalized mask is a positive boolean formula (AND/OR, negations already pushed into the
// comparisons) over atoms `D op 0`. An atom is linear (D = a*q + b*k + c) or general (D computed
// by a small interval program). Coefficients and constants are numbers: the host fills them
// from bound parameter values, the generated struct from its parameters, by the same rules.

enum : unsigned char { kCmpLe = 0, kCmpEq = 1, kCmpNe = 2 };

// How an atom varies over a block; set by finalize_mask_plan from the numbers.
enum : unsigned char {
  kAtomConst = 0,  // no q, no k
  kAtomQ = 1,      // linear in q only: constant between its thresholds
  kAtomK = 2,      // linear in k only
  kAtomT = 3,      // linear in t = k - q only: constant between its thresholds in t
  kAtomLinear = 4, // other linear: exact range from the block's corners
  kAtomTFunc = 5,  // general, reads q and k only through t = k - q
  kAtomGeneral = 6 // general: interval arithmetic over the block
};

// Interval program instructions (postfix). kOpLin pushes a*q + b*k + c.
enum : unsigned char {
  kOpConst = 0,
  kOpLin,
  kOpNeg,
  kOpAdd,
  kOpSub,
  kOpMul,
  kOpDiv,
  kOpMod,
  kOpAbs,
  kOpMin,
  kOpMax
};

struct MaskInstr {
  unsigned char op;
  long long a, b, c;
};

struct MaskAtom {
  unsigned char op;           // kCmpLe / kCmpEq / kCmpNe: the atom is `D op 0`
  unsigned char kind;         // kAtom*, derived
  short code_begin, code_end; // general atoms: the program computing D; empty for linear ones
  long long a, b, c;          // linear atoms
  // Key-range rule for general atoms of the shape D = sign * (floor((k + e) / div) - H(q)),
  // where H is the q-only program [h_begin, h_end): `q / c == k / c` and its relatives.
  signed char kdiv_sign; // 0: no such shape
  short h_begin, h_end;
  long long kdiv_div, kdiv_e;
};

// Formula entries (postfix): an atom index, or one of these.
enum : short { kFormAnd = -1, kFormOr = -2, kFormTrue = -3, kFormFalse = -4 };

// Constructors for plan entries, used by the generated mask structs.
ATTNJIT_HD inline MaskAtom linear_atom(unsigned char op, long long a, long long b, long long c) {
  MaskAtom at = {};
  at.op = op;
  at.a = a;
  at.b = b;
  at.c = c;
  return at;
}
ATTNJIT_HD inline MaskAtom general_atom(unsigned char op, short code_begin, short code_end) {
  MaskAtom at = {};
  at.op = op;
  at.code_begin = code_begin;
  at.code_end = code_end;
  return at;
}
// Marks a general atom as D = sign * (floor((k + e) / div) - H(q)), H = code[h_begin, h_end).
ATTNJIT_HD inline MaskAtom with_kdiv(MaskAtom at, signed char sign, short h_begin, short h_end,
                                     long long div, long long e) {
  at.kdiv_sign = sign;
  at.h_begin = h_begin;
  at.h_end = h_end;
  at.kdiv_div = div;
  at.kdiv_e = e;
  return at;
}
ATTNJIT_HD inline MaskInstr mask_instr(unsigned char op, long long a = 0, long long b = 0,
                                       long long c = 0) {
  MaskInstr in;
  in.op = op;
  in.a = a;
  in.b = b;
  in.c = c;
  return in;
}

// Capacities shared by every plan; the compiler refuses to build a plan past them (the mask
// then gets a plan that says PARTIAL everywhere and walks every key, which stays correct).
constexpr int kMaskMaxAtoms = 32;
constexpr int kMaskMaxStack = 32;

struct MaskPlanView {
  const MaskAtom* atoms;
  int num_atoms;
  const MaskInstr* code;
  const short* formula;
  int num_formula;
};

// Derives each atom's kind from its numbers. Both sides call it after filling a plan.
ATTNJIT_HD inline void finalize_mask_plan(MaskAtom* atoms, int num_atoms, const MaskInstr* code) {
  ATTNJIT_UNROLL
  for (int i = 0; i < num_atoms; ++i) {
    MaskAtom& at = atoms[i];
    if (at.code_begin == at.code_end) {
      if (at.a == 0 && at.b == 0)
        at.kind = kAtomConst;
      else if (at.b == 0)
        at.kind = kAtomQ;
      else if (at.a == 0)
        at.kind = kAtomK;
      else if (at.a == -at.b)
        at.kind = kAtomT;
      else
        at.kind = kAtomLinear;
      continue;
    }
    bool t_only = true;
    for (int j = at.code_begin; j < at.code_end; ++j)
      if (code[j].op == kOpLin && code[j].a != -code[j].b) t_only = false;
    at.kind = t_only ? kAtomTFunc : kAtomGeneral;
  }
}

// ---- Interval evaluation.

// Range of a*q + b*k + c over the box: a linear function takes its extremes at the corners.
ATTNJIT_HD inline Interval linear_range(long long a, long long b, long long c, long long q0,
                                        long long q1, long long k0, long long k1) {
  const long long aq0 = sat_mul(a, q0), aq1 = sat_mul(a, q1);
  const long long bk0 = sat_mul(b, k0), bk1 = sat_mul(b, k1);
  return make_interval(sat_add(sat_add(lmin(aq0, aq1), lmin(bk0, bk1)), c),
                       sat_add(sat_add(lmax(aq0, aq1), lmax(bk0, bk1)), c));
}

// Where a program's values come from: a box of (q, k), or (t_mode) a range of t = k - q, in
// which every kOpLin has a == -b and reads b*t + c.
struct EvalDomain {
  long long q0, q1, k0, k1;
  bool t_mode;
  long long t0, t1;
};

ATTNJIT_HD inline Interval interval_div(Interval x, Interval d) {
  // Floor division is monotone in each argument for a positive divisor: corners bound it.
  if (d.lo <= 0) return make_interval(-kMaskInf, kMaskInf);
  const long long c0 = floor_div(x.lo, d.lo), c1 = floor_div(x.lo, d.hi);
  const long long c2 = floor_div(x.hi, d.lo), c3 = floor_div(x.hi, d.hi);
  return make_interval(lmin(lmin(c0, c1), lmin(c2, c3)), lmax(lmax(c0, c1), lmax(c2, c3)));
}

ATTNJIT_HD inline Interval interval_mod(Interval x, Interval d) {
  if (d.lo <= 0) return make_interval(-kMaskInf, kMaskInf);
  // One divisor and one period: the image is exactly [x.lo % d, x.hi % d].
  if (d.lo == d.hi && floor_div(x.lo, d.lo) == floor_div(x.hi, d.lo))
    return make_interval(floor_mod(x.lo, d.lo), floor_mod(x.hi, d.lo));
  return make_interval(0, d.hi - 1);
}

// One interval-program step, shared by eval_program and the straight-line code that
// emit_mask_struct generates (which resolves the program's stack at generation time).
ATTNJIT_HD inline Interval t_linear_range(long long b, long long c, long long t0, long long t1) {
  const long long x0 = sat_mul(b, t0), x1 = sat_mul(b, t1);
  return make_interval(sat_add(lmin(x0, x1), c), sat_add(lmax(x0, x1), c));
}

ATTNJIT_HD inline Interval interval_unary(unsigned char op, Interval x) {
  const Interval r = make_interval(-x.hi, -x.lo);
  if (op != kOpAbs) return r;
  return x.lo >= 0 ? x : (x.hi <= 0 ? r : make_interval(0, lmax(-x.lo, x.hi)));
}

ATTNJIT_HD inline Interval interval_binary(unsigned char op, Interval x, Interval y) {
  switch (op) {
  case kOpAdd:
    return make_interval(sat_add(x.lo, y.lo), sat_add(x.hi, y.hi));
  case kOpSub:
    return make_interval(sat_add(x.lo, -y.hi), sat_add(x.hi, -y.lo));
  case kOpMul: {
    const long long p0 = sat_mul(x.lo, y.lo), p1 = sat_mul(x.lo, y.hi);
    const long long p2 = sat_mul(x.hi, y.lo), p3 = sat_mul(x.hi, y.hi);
    return make_interval(lmin(lmin(p0, p1), lmin(p2, p3)), lmax(lmax(p0, p1), lmax(p2, p3)));
  }
  case kOpDiv:
    return interval_div(x, y);
  case kOpMod:
    return interval_mod(x, y);
  case kOpMin:
    return make_interval(lmin(x.lo, y.lo), lmin(x.hi, y.hi));
  default:
    return make_interval(lmax(x.lo, y.lo), lmax(x.hi, y.hi));
  }
}

// Stack is the program's depth bound (the generated struct passes its own, the host the most).
template <int Stack = kMaskMaxStack>
ATTNJIT_HD inline Interval eval_program(const MaskInstr* code, int begin, int end,
                                        const EvalDomain& dom) {
  Interval st[Stack];
  int sp = 0;
  ATTNJIT_UNROLL
  for (int i = begin; i < end; ++i) {
    const MaskInstr& in = code[i];
    if (in.op == kOpConst) {
      st[sp++] = make_interval(in.c, in.c);
      continue;
    }
    if (in.op == kOpLin) {
      st[sp++] = dom.t_mode ? t_linear_range(in.b, in.c, dom.t0, dom.t1)
                            : linear_range(in.a, in.b, in.c, dom.q0, dom.q1, dom.k0, dom.k1);
      continue;
    }
    if (in.op == kOpNeg || in.op == kOpAbs) {
      st[sp - 1] = interval_unary(in.op, st[sp - 1]);
      continue;
    }
    const Interval y = st[--sp];
    st[sp - 1] = interval_binary(in.op, st[sp - 1], y);
  }
  return st[0];
}

// Three-valued `D op 0` for D in the interval.
ATTNJIT_HD inline int compare_range(Interval d, unsigned char op) {
  if (op == kCmpLe) return d.hi <= 0 ? kMaskFull : (d.lo > 0 ? kMaskEmpty : kMaskPartial);
  const int eq =
      (d.lo == 0 && d.hi == 0) ? kMaskFull : ((d.lo > 0 || d.hi < 0) ? kMaskEmpty : kMaskPartial);
  return op == kCmpEq ? eq : tv_not(eq);
}

// The points in (lo, hi] where `s*x + c op 0` (s != 0) changes truth: at most two, p0 and p1,
// each with its validity flag.
ATTNJIT_HD inline void linear_cuts(long long s, long long c, unsigned char op, long long lo,
                                   long long hi, long long& p0, bool& v0, long long& p1, bool& v1) {
  v0 = v1 = false;
  p0 = p1 = 0;
  if (op == kCmpLe) {
    // s > 0: true up to floor(-c / s). s < 0: |s|*x >= c, true from ceil(c / |s|).
    p0 = s > 0 ? sat_add(floor_div(-c, s), 1) : ceil_div(c, -s);
    v0 = p0 > lo && p0 <= hi;
    return;
  }
  // s*x == -c at one point, when it divides.
  const long long num = s > 0 ? -c : c, den = s > 0 ? s : -s;
  if (floor_mod(num, den) != 0) return;
  p0 = num / den;
  p1 = sat_add(num / den, 1);
  v0 = p0 > lo && p0 <= hi;
  v1 = p1 > lo && p1 <= hi;
}

// Points in (lo, hi] where `s*x + c op 0` (s != 0) changes truth, appended to pts.
ATTNJIT_HD inline void linear_thresholds(long long s, long long c, unsigned char op, long long lo,
                                         long long hi, long long* pts, int& n) {
  long long p0, p1;
  bool v0, v1;
  linear_cuts(s, c, op, lo, hi, p0, v0, p1, v1);
  if (v0) pts[n++] = p0;
  if (v1) pts[n++] = p1;
}

// The last position of the piece that starts at cut c, given another cut cj (valid when vj):
// straight-line code takes the nearest later cut this way instead of sorting.
ATTNJIT_HD inline long long cut_end(long long end, long long c, long long cj, bool vj) {
  return vj && cj > c && cj - 1 < end ? cj - 1 : end;
}

// Folds one piece's value into a block's: equal values stay, any mix is PARTIAL (-1: none yet).
ATTNJIT_HD inline int tv_combine(int acc, int v) {
  return acc < 0 ? v : (acc == v ? acc : kMaskPartial);
}

ATTNJIT_HD inline void sort_unique(long long* v, int& n) {
  for (int i = 1; i < n; ++i)
    for (int j = i; j > 0 && v[j - 1] > v[j]; --j) {
      const long long t = v[j];
      v[j] = v[j - 1];
      v[j - 1] = t;
    }
  int m = 0;
  for (int i = 0; i < n; ++i)
    if (m == 0 || v[m - 1] != v[i]) v[m++] = v[i];
  n = m;
}

// Largest formula length the host's loops allow (a bound only, never an array size).
constexpr int kMaskMaxFormula = 1 << 20;

// Three-valued value of the formula given each atom's value. Form bounds the formula length.
template <int Stack = kMaskMaxStack, int Form = kMaskMaxFormula>
ATTNJIT_HD inline int eval_formula3(const MaskPlanView& p, const unsigned char* val) {
  unsigned char st[Stack];
  int sp = 0;
  ATTNJIT_UNROLL
  for (int i = 0; i < Form; ++i) {
    if (i >= p.num_formula) break;
    const short f = p.formula[i];
    if (f >= 0)
      st[sp++] = val[f];
    else if (f == kFormTrue)
      st[sp++] = kMaskFull;
    else if (f == kFormFalse)
      st[sp++] = kMaskEmpty;
    else {
      const int y = st[--sp];
      st[sp - 1] = (unsigned char)(f == kFormAnd ? tv_and(st[sp - 1], y) : tv_or(st[sp - 1], y));
    }
  }
  return sp == 1 ? st[0] : kMaskPartial;
}

// Classifies one piece of a block, in which every q-only and k-only linear atom is constant.
// The t-dependent atoms are exact per segment of t = k - q; every t in [k0 - q1, k1 - q0] occurs
// in the piece, so a mix of FULL and EMPTY segments is a true PARTIAL.
template <int Atoms, int CodeStack, int FormStack, int Form>
ATTNJIT_HD inline int classify_piece(const MaskPlanView& p, long long q0, long long q1,
                                     long long k0, long long k1) {
  unsigned char val[Atoms];
  EvalDomain box = {q0, q1, k0, k1, false, 0, 0};
  const long long t0 = k0 - q1, t1 = k1 - q0;
  long long pts[2 * Atoms + 2];
  int n = 0;
  pts[n++] = t0;
  ATTNJIT_UNROLL
  for (int i = 0; i < Atoms; ++i) {
    if (i >= p.num_atoms) break;
    const MaskAtom& at = p.atoms[i];
    switch (at.kind) {
    case kAtomT:
      linear_thresholds(at.b, at.c, at.op, t0, t1, pts, n);
      break;
    case kAtomTFunc:
      break;
    case kAtomGeneral:
      val[i] = (unsigned char)compare_range(
          eval_program<CodeStack>(p.code, at.code_begin, at.code_end, box), at.op);
      break;
    default:
      val[i] = (unsigned char)compare_range(linear_range(at.a, at.b, at.c, q0, q1, k0, k1), at.op);
    }
  }
  sort_unique(pts, n);
  int result = -1;
  for (int s = 0; s < n; ++s) {
    const long long lo = pts[s], hi = s + 1 < n ? pts[s + 1] - 1 : t1;
    EvalDomain seg = {q0, q1, k0, k1, true, lo, hi};
    ATTNJIT_UNROLL
    for (int i = 0; i < Atoms; ++i) {
      if (i >= p.num_atoms) break;
      const MaskAtom& at = p.atoms[i];
      if (at.kind == kAtomT) {
        const long long x0 = sat_mul(at.b, lo), x1 = sat_mul(at.b, hi);
        val[i] = (unsigned char)compare_range(
            make_interval(sat_add(lmin(x0, x1), at.c), sat_add(lmax(x0, x1), at.c)), at.op);
      } else if (at.kind == kAtomTFunc) {
        val[i] = (unsigned char)compare_range(
            eval_program<CodeStack>(p.code, at.code_begin, at.code_end, seg), at.op);
      }
    }
    const int r = eval_formula3<FormStack, Form>(p, val);
    if (r == kMaskPartial || (result >= 0 && r != result)) return kMaskPartial;
    result = r;
  }
  return result;
}

// The block classifier: EMPTY / PARTIAL / FULL for query positions [q0, q1] x key positions
// [k0, k1] (inclusive). Sound for every plan; exact when each piece's formula is decided by the
// atoms' per-piece values (every built-in and the masks of shared/PEERS.md).
// Atoms, CodeStack and FormStack bound the plan's atom count, program depth and formula depth:
// the generated struct passes its own (small local arrays), the host the largest.
template <int Atoms = kMaskMaxAtoms, int CodeStack = kMaskMaxStack, int FormStack = kMaskMaxStack,
          int Form = kMaskMaxFormula>
ATTNJIT_HD inline int classify_block(const MaskPlanView& p, long long q0, long long q1,
                                     long long k0, long long k1) {
  if (q0 > q1 || k0 > k1) return kMaskEmpty;
  if (p.num_atoms > Atoms) return kMaskPartial;
  // Cut the box where a q-only or k-only atom changes value, so each piece sees it constant.
  long long qs[2 * Atoms + 2], ks[2 * Atoms + 2];
  int nq = 0, nk = 0;
  qs[nq++] = q0;
  ks[nk++] = k0;
  ATTNJIT_UNROLL
  for (int i = 0; i < Atoms; ++i) {
    if (i >= p.num_atoms) break;
    const MaskAtom& at = p.atoms[i];
    if (at.kind == kAtomQ) linear_thresholds(at.a, at.c, at.op, q0, q1, qs, nq);
    if (at.kind == kAtomK) linear_thresholds(at.b, at.c, at.op, k0, k1, ks, nk);
  }
  sort_unique(qs, nq);
  sort_unique(ks, nk);
  int result = -1;
  for (int i = 0; i < nq; ++i) {
    const long long a0 = qs[i], a1 = i + 1 < nq ? qs[i + 1] - 1 : q1;
    for (int j = 0; j < nk; ++j) {
      const long long b0 = ks[j], b1 = j + 1 < nk ? ks[j + 1] - 1 : k1;
      const int r = classify_piece<Atoms, CodeStack, FormStack, Form>(p, a0, a1, b0, b1);
      if (r == kMaskPartial || (result >= 0 && r != result)) return kMaskPartial;
      result = r;
    }
  }
  return result;
}

// ---- Key ranges.

// Keys k for which `atom` may hold for some q in [q0, q1], as at most two intervals.
template <int Cap, int CodeStack>
ATTNJIT_HD inline IntervalList<Cap> atom_key_set(const MaskPlanView& p, const MaskAtom& at,
                                                 long long q0, long long q1) {
  typedef IntervalList<Cap> List;
  // Sets over q or independent of k: all keys when the atom can hold in the tile, else none.
  const EvalDomain qdom = {q0, q1, 0, 0, false, 0, 0};
  if (at.kind == kAtomGeneral || at.kind == kAtomTFunc) {
    if (at.kdiv_sign == 0 || at.kdiv_div <= 0) return List::all();
    // G(k) = floor((k + e) / div); D = sign * (G - H): D <= 0 bounds G from one side, == both.
    const Interval h = eval_program<CodeStack>(p.code, at.h_begin, at.h_end, qdom);
    if (at.op == kCmpNe) return List::all();
    long long lo = -kMaskInf, hi = kMaskInf;
    const bool upper = at.op == kCmpEq || at.kdiv_sign > 0; // G <= H <= h.hi
    const bool lower = at.op == kCmpEq || at.kdiv_sign < 0; // G >= H >= h.lo
    if (upper) hi = sat_add(sat_add(sat_mul(at.kdiv_div, sat_add(h.hi, 1)), -1), -at.kdiv_e);
    if (lower) lo = sat_add(sat_mul(at.kdiv_div, h.lo), -at.kdiv_e);
    return List::single(lo, hi);
  }
  if (at.b == 0) {
    const int v = compare_range(linear_range(at.a, 0, at.c, q0, q1, 0, 0), at.op);
    return v == kMaskEmpty ? List() : List::all();
  }
  // b*k <op> X(q) with X = -(a*q + c) over [x0, x1].
  const long long qa0 = sat_mul(at.a, q0), qa1 = sat_mul(at.a, q1);
  const long long x0 = sat_add(-lmax(qa0, qa1), -at.c), x1 = sat_add(-lmin(qa0, qa1), -at.c);
  long long b = at.b, lo = x0, hi = x1;
  if (b < 0) {
    // Divide through by -1: -|b|*k op X  <=>  |b|*k op' -X.
    b = -b;
    lo = -x1;
    hi = -x0;
  }
  if (at.op == kCmpLe) {
    // b*k <= X for some q (original sign): with b > 0, k <= floor(x1 / b); flipped, k >= ...
    if (at.b > 0) return List::single(-kMaskInf, floor_div(x1, b));
    return List::single(ceil_div(lo, b), kMaskInf);
  }
  if (at.op == kCmpEq) return List::single(ceil_div(lo, b), floor_div(hi, b));
  // k != X / b: only an atom without q removes a point (a one-query tile would too, but the
  // interval bound fixed at compile time counts on it not).
  if (at.a != 0 || floor_mod(lo, b) != 0) return List::all();
  List r;
  r.push(-kMaskInf, lo / b - 1);
  r.push(lo / b + 1, kMaskInf);
  return r;
}

// The walk set of query positions [q0, q1]: a sorted union of key intervals holding every key
// that some query of the tile attends. Not clipped to the sequence; kMaskInf means unbounded.
// Depth is the formula's stack depth, Cap the interval capacity (both fixed per mask).
template <int Depth, int Cap, int CodeStack = kMaskMaxStack, int Form = kMaskMaxFormula>
ATTNJIT_HD inline int walk_key_ranges(const MaskPlanView& p, long long q0, long long q1,
                                      long long* lo, long long* hi) {
  typedef IntervalList<Cap> List;
  List st[Depth];
  int sp = 0;
  List result = List::all();
  bool ok = p.num_atoms <= kMaskMaxAtoms;
  ATTNJIT_UNROLL
  for (int i = 0; i < Form; ++i) {
    if (!ok || i >= p.num_formula) break;
    const short f = p.formula[i];
    if (f >= 0 || f == kFormTrue || f == kFormFalse) {
      if (sp == Depth) {
        ok = false;
        break;
      }
      st[sp++] = f >= 0 ? atom_key_set<Cap, CodeStack>(p, p.atoms[f], q0, q1)
                        : (f == kFormTrue ? List::all() : List());
      continue;
    }
    const List y = st[--sp];
    st[sp - 1] = f == kFormAnd ? list_intersect(st[sp - 1], y) : list_union(st[sp - 1], y);
  }
  if (ok && sp == 1) result = st[0];
  for (int i = 0; i < result.n; ++i) {
    lo[i] = result.v[i].lo;
    hi[i] = result.v[i].hi;
  }
  return result.n;
}

// ---- Straight-line key ranges (emit_mask_struct): intervals as loose items (lo > hi empty),
// combined pairwise, sorted and merged once at the end into the canonical list.

ATTNJIT_HD inline Interval item_and(Interval a, Interval b) {
  return make_interval(lmax(a.lo, b.lo), lmin(a.hi, b.hi));
}

// Orders two items by start, empty ones last.
ATTNJIT_HD inline void item_order(Interval& a, Interval& b) {
  const bool ea = a.lo > a.hi, eb = b.lo > b.hi;
  if ((ea && !eb) || (!ea && !eb && b.lo < a.lo)) {
    const Interval t = a;
    a = b;
    b = t;
  }
}

// The key set of a linear atom `a*q + b*k + c op 0` over queries [q0, q1], as atom_key_set
// computes it: x, and y (empty unless op is kCmpNe without q).
ATTNJIT_HD inline void linear_key_items(unsigned char op, long long a, long long b, long long c,
                                        long long q0, long long q1, Interval& x, Interval& y) {
  y = make_interval(1, 0);
  x = make_interval(-kMaskInf, kMaskInf);
  if (b == 0) {
    if (compare_range(linear_range(a, 0, c, q0, q1, 0, 0), op) == kMaskEmpty)
      x = make_interval(1, 0);
    return;
  }
  const long long qa0 = sat_mul(a, q0), qa1 = sat_mul(a, q1);
  const long long x0 = sat_add(-lmax(qa0, qa1), -c), x1 = sat_add(-lmin(qa0, qa1), -c);
  long long bb = b, lo = x0, hi = x1;
  if (bb < 0) {
    bb = -bb;
    lo = -x1;
    hi = -x0;
  }
  if (op == kCmpLe) {
    x = b > 0 ? make_interval(-kMaskInf, floor_div(x1, bb))
              : make_interval(ceil_div(lo, bb), kMaskInf);
    return;
  }
  if (op == kCmpEq) {
    x = make_interval(ceil_div(lo, bb), floor_div(hi, bb));
    return;
  }
  if (a != 0 || floor_mod(lo, bb) != 0) return;
  x = make_interval(-kMaskInf, lo / bb - 1);
  y = make_interval(lo / bb + 1, kMaskInf);
}

// The key set of `sign * (floor((k + e) / div) - H(q)) op 0` with H's range h over the tile.
ATTNJIT_HD inline Interval kdiv_key_item(unsigned char op, int sign, long long div, long long e,
                                         Interval h) {
  if (div <= 0 || op == kCmpNe) return make_interval(-kMaskInf, kMaskInf);
  long long lo = -kMaskInf, hi = kMaskInf;
  if (op == kCmpEq || sign > 0) hi = sat_add(sat_add(sat_mul(sat_add(h.hi, 1), div), -1), -e);
  if (op == kCmpEq || sign < 0) lo = sat_add(sat_mul(h.lo, div), -e);
  return make_interval(lo, hi);
}

// Appends item x (in start order) to the canonical output, merging what touches the open one.
ATTNJIT_HD inline void item_emit(Interval x, Interval& cur, bool& open, long long* lo,
                                 long long* hi, int& n) {
  if (x.lo > x.hi) return;
  if (open && x.lo <= cur.hi + 1) {
    if (x.hi > cur.hi) cur.hi = x.hi;
    return;
  }
  if (open) {
    lo[n] = cur.lo;
    hi[n] = cur.hi;
    ++n;
  }
  cur = x;
  open = true;
}

ATTNJIT_HD inline int item_close(const Interval& cur, bool open, long long* lo, long long* hi,
                                 int n) {
  if (open) {
    lo[n] = cur.lo;
    hi[n] = cur.hi;
    ++n;
  }
  return n;
}

} // namespace attnjit
