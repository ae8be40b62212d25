#include "compiler/cpu/emit_mask.h"

#include <llvm/IR/Intrinsics.h>

#include <cassert>
#include <optional>

namespace attnjit::cpu {

using llvm::Value;

namespace {

// "Unbounded" for interval bounds: far outside any position or 32-bit-proved value, yet far from
// wrapping when a few of them are added.
constexpr int64_t kBig = int64_t(1) << 62;

// An integer expression written as sign * T + sum(rest), where T is `k` or `k / divisor` and no
// term of `rest` mentions k. This is the shape every built-in's key bound takes.
struct KeyLinear {
  int sign = 0;    // 0 while no k term has been seen
  ExprPtr divisor; // null: T = k
  std::vector<std::pair<int, ExprPtr>> rest;
};

bool decompose(const ExprPtr& e, int sign, KeyLinear& out) {
  if (!mentions_k(*e)) {
    out.rest.push_back({sign, e});
    return true;
  }
  switch (e->op()) {
  case Op::K:
    if (out.sign != 0) return false;
    out.sign = sign;
    return true;
  case Op::Div:
    if (out.sign != 0 || e->arg(0)->op() != Op::K || mentions_k(*e->arg(1))) return false;
    out.sign = sign;
    out.divisor = e->arg(1);
    return true;
  case Op::Add:
    return decompose(e->arg(0), sign, out) && decompose(e->arg(1), sign, out);
  case Op::Sub:
    return decompose(e->arg(0), sign, out) && decompose(e->arg(1), -sign, out);
  case Op::Neg:
    return decompose(e->arg(0), -sign, out);
  default:
    return false;
  }
}

} // namespace

MaskEmitter::MaskEmitter(llvm::IRBuilder<>& b, ExprPtr mask, const std::vector<std::string>& names,
                         Value* params)
    : b_(b), mask_(std::move(mask)) {
  for (size_t i = 0; i < names.size(); ++i) {
    Value* p = b_.CreateConstGEP1_64(b_.getInt64Ty(), params, i);
    params_[names[i]] = b_.CreateLoad(b_.getInt64Ty(), p, "param." + names[i]);
  }
}

Value* MaskEmitter::i64(int64_t v) {
  return b_.getInt64(uint64_t(v));
}
Value* MaskEmitter::smin(Value* a, Value* c) {
  return b_.CreateBinaryIntrinsic(llvm::Intrinsic::smin, a, c);
}
Value* MaskEmitter::smax(Value* a, Value* c) {
  return b_.CreateBinaryIntrinsic(llvm::Intrinsic::smax, a, c);
}
Value* MaskEmitter::sat_add(Value* a, Value* c) {
  return b_.CreateBinaryIntrinsic(llvm::Intrinsic::sadd_sat, a, c);
}
Value* MaskEmitter::sat_sub(Value* a, Value* c) {
  return b_.CreateBinaryIntrinsic(llvm::Intrinsic::ssub_sat, a, c);
}
Value* MaskEmitter::sat_mul(Value* a, Value* c) {
  Value* r = b_.CreateBinaryIntrinsic(llvm::Intrinsic::smul_with_overflow, a, c);
  Value* prod = b_.CreateExtractValue(r, 0);
  Value* overflow = b_.CreateExtractValue(r, 1);
  Value* negative = b_.CreateICmpNE(b_.CreateICmpSLT(a, i64(0)), b_.CreateICmpSLT(c, i64(0)));
  Value* limit = b_.CreateSelect(negative, i64(INT64_MIN), i64(INT64_MAX));
  return b_.CreateSelect(overflow, limit, prod);
}

// Floor quotient and remainder for d > 0: truncating division rounds toward zero, so a negative
// remainder means the quotient is one too high.
std::pair<Value*, Value*> MaskEmitter::floor_divmod(Value* a, Value* d) {
  Value* q = b_.CreateSDiv(a, d);
  Value* r = b_.CreateSRem(a, d);
  Value* neg = b_.CreateICmpSLT(r, i64(0));
  q = b_.CreateSub(q, b_.CreateZExt(neg, b_.getInt64Ty()));
  r = b_.CreateAdd(r, b_.CreateSelect(neg, d, i64(0)));
  return {q, r};
}

MaskEmitter::Iv MaskEmitter::full() {
  return {i64(-kBig), i64(kBig)};
}
MaskEmitter::Iv MaskEmitter::empty() {
  return {i64(kBig), i64(-kBig)};
}

Value* MaskEmitter::exact_int(const Expr& e, Value* q, Value* k) {
  auto arg = [&](size_t i) { return exact_int(*e.arg(i), q, k); };
  switch (e.op()) {
  case Op::Lit:
    return i64(e.value());
  case Op::Param:
    return params_.at(e.name());
  case Op::Q:
    return q;
  case Op::K:
    return k;
  case Op::Neg:
    return b_.CreateNeg(arg(0));
  case Op::Add:
    return b_.CreateAdd(arg(0), arg(1));
  case Op::Sub:
    return b_.CreateSub(arg(0), arg(1));
  case Op::Mul:
    return b_.CreateMul(arg(0), arg(1));
  // The divisor is proved positive before launch; the clamp only keeps a kernel from trapping
  // should that proof ever be skipped.
  case Op::Div:
    return floor_divmod(arg(0), smax(arg(1), i64(1))).first;
  case Op::Mod:
    return floor_divmod(arg(0), smax(arg(1), i64(1))).second;
  case Op::Abs:
    return b_.CreateBinaryIntrinsic(llvm::Intrinsic::abs, arg(0), b_.getFalse());
  case Op::Min:
    return smin(arg(0), arg(1));
  case Op::Max:
    return smax(arg(0), arg(1));
  default:
    assert(false && "boolean node where an integer was expected");
    return nullptr;
  }
}

Value* MaskEmitter::exact_bool(const Expr& e, Value* q, Value* k) {
  auto cmp = [&](llvm::CmpInst::Predicate p) {
    return b_.CreateICmp(p, exact_int(*e.arg(0), q, k), exact_int(*e.arg(1), q, k));
  };
  switch (e.op()) {
  case Op::True:
    return b_.getTrue();
  case Op::False:
    return b_.getFalse();
  case Op::Lt:
    return cmp(llvm::CmpInst::ICMP_SLT);
  case Op::Le:
    return cmp(llvm::CmpInst::ICMP_SLE);
  case Op::Gt:
    return cmp(llvm::CmpInst::ICMP_SGT);
  case Op::Ge:
    return cmp(llvm::CmpInst::ICMP_SGE);
  case Op::Eq:
    return cmp(llvm::CmpInst::ICMP_EQ);
  case Op::Ne:
    return cmp(llvm::CmpInst::ICMP_NE);
  case Op::And:
    return b_.CreateAnd(exact_bool(*e.arg(0), q, k), exact_bool(*e.arg(1), q, k));
  case Op::Or:
    return b_.CreateOr(exact_bool(*e.arg(0), q, k), exact_bool(*e.arg(1), q, k));
  case Op::Not:
    return b_.CreateNot(exact_bool(*e.arg(0), q, k));
  default:
    assert(false && "unexpanded built-in or integer node in a boolean");
    return nullptr;
  }
}

Value* MaskEmitter::predicate(Value* q, Value* k) {
  return exact_bool(*mask_, q, k);
}

MaskEmitter::Iv MaskEmitter::interval(const Expr& e, const Box& box) {
  auto arg = [&](size_t i) { return interval(*e.arg(i), box); };
  switch (e.op()) {
  case Op::Lit:
    return {i64(e.value()), i64(e.value())};
  case Op::Param:
    return {params_.at(e.name()), params_.at(e.name())};
  case Op::Q:
    return box.q;
  case Op::K:
    assert(box.has_k && "k in a key-free context");
    return box.k;
  case Op::Neg: {
    Iv a = arg(0);
    return {sat_sub(i64(0), a.hi), sat_sub(i64(0), a.lo)};
  }
  case Op::Add: {
    Iv a = arg(0), c = arg(1);
    return {sat_add(a.lo, c.lo), sat_add(a.hi, c.hi)};
  }
  case Op::Sub: {
    Iv a = arg(0), c = arg(1);
    return {sat_sub(a.lo, c.hi), sat_sub(a.hi, c.lo)};
  }
  case Op::Mul: {
    Iv a = arg(0), c = arg(1);
    Value *p1 = sat_mul(a.lo, c.lo), *p2 = sat_mul(a.lo, c.hi);
    Value *p3 = sat_mul(a.hi, c.lo), *p4 = sat_mul(a.hi, c.hi);
    return {smin(smin(p1, p2), smin(p3, p4)), smax(smax(p1, p2), smax(p3, p4))};
  }
  case Op::Div: {
    // Floor division by a positive divisor is monotone in each operand, so the extremes sit
    // at the corners. A divisor range reaching zero or below (never launched) is unbounded.
    Iv a = arg(0), d = arg(1);
    Value* positive = b_.CreateICmpSGT(d.lo, i64(0));
    Value *dl = smax(d.lo, i64(1)), *dh = smax(d.hi, i64(1));
    Value *c1 = floor_divmod(a.lo, dl).first, *c2 = floor_divmod(a.lo, dh).first;
    Value *c3 = floor_divmod(a.hi, dl).first, *c4 = floor_divmod(a.hi, dh).first;
    Iv f = full();
    return {b_.CreateSelect(positive, smin(smin(c1, c2), smin(c3, c4)), f.lo),
            b_.CreateSelect(positive, smax(smax(c1, c2), smax(c3, c4)), f.hi)};
  }
  case Op::Mod: {
    // Exact when the divisor is one value and the range stays inside one period; otherwise
    // anywhere in [0, d).
    Iv a = arg(0), d = arg(1);
    Value* positive = b_.CreateICmpSGT(d.lo, i64(0));
    Value *dl = smax(d.lo, i64(1)), *dh = smax(d.hi, i64(1));
    auto [qa, ra] = floor_divmod(a.lo, dl);
    auto [qb, rb] = floor_divmod(a.hi, dl);
    Value* one_period = b_.CreateAnd(b_.CreateICmpEQ(d.lo, d.hi), b_.CreateICmpEQ(qa, qb));
    Iv f = full();
    return {
        b_.CreateSelect(positive, b_.CreateSelect(one_period, ra, i64(0)), f.lo),
        b_.CreateSelect(positive, b_.CreateSelect(one_period, rb, b_.CreateSub(dh, i64(1))), f.hi)};
  }
  case Op::Abs: {
    Iv a = arg(0);
    Value* lo = b_.CreateSelect(
        b_.CreateICmpSGE(a.lo, i64(0)), a.lo,
        b_.CreateSelect(b_.CreateICmpSLE(a.hi, i64(0)), sat_sub(i64(0), a.hi), i64(0)));
    return {lo, smax(sat_sub(i64(0), a.lo), a.hi)};
  }
  case Op::Min: {
    Iv a = arg(0), c = arg(1);
    return {smin(a.lo, c.lo), smin(a.hi, c.hi)};
  }
  case Op::Max: {
    Iv a = arg(0), c = arg(1);
    return {smax(a.lo, c.lo), smax(a.hi, c.hi)};
  }
  default:
    assert(false && "boolean node where an integer was expected");
    return {};
  }
}

MaskEmitter::Bv MaskEmitter::bool_interval(const Expr& e, const Box& box) {
  if (is_comparison(e.op())) {
    Op op = e.op();
    Iv a = interval(*e.arg(0), box), c = interval(*e.arg(1), box);
    if (op == Op::Gt || op == Op::Ge) {
      std::swap(a, c);
      op = mirror_comparison(op);
    }
    switch (op) {
    case Op::Lt:
      return {b_.CreateICmpSLT(a.lo, c.hi), b_.CreateICmpSGE(a.hi, c.lo)};
    case Op::Le:
      return {b_.CreateICmpSLE(a.lo, c.hi), b_.CreateICmpSGT(a.hi, c.lo)};
    default: {
      Value* overlap = b_.CreateAnd(b_.CreateICmpSLE(a.lo, c.hi), b_.CreateICmpSLE(c.lo, a.hi));
      Value* one_value =
          b_.CreateAnd(b_.CreateAnd(b_.CreateICmpEQ(a.lo, a.hi), b_.CreateICmpEQ(c.lo, c.hi)),
                       b_.CreateICmpEQ(a.lo, c.lo));
      Bv eq{overlap, b_.CreateNot(one_value)};
      if (op == Op::Eq) return eq;
      return {eq.can_false, eq.can_true};
    }
    }
  }
  switch (e.op()) {
  case Op::True:
    return {b_.getTrue(), b_.getFalse()};
  case Op::False:
    return {b_.getFalse(), b_.getTrue()};
  case Op::Not: {
    Bv a = bool_interval(*e.arg(0), box);
    return {a.can_false, a.can_true};
  }
  case Op::And: {
    Bv a = bool_interval(*e.arg(0), box), c = bool_interval(*e.arg(1), box);
    return {b_.CreateAnd(a.can_true, c.can_true), b_.CreateOr(a.can_false, c.can_false)};
  }
  case Op::Or: {
    Bv a = bool_interval(*e.arg(0), box), c = bool_interval(*e.arg(1), box);
    return {b_.CreateOr(a.can_true, c.can_true), b_.CreateAnd(a.can_false, c.can_false)};
  }
  default:
    assert(false && "unexpanded built-in or integer node in a boolean");
    return {};
  }
}

Value* MaskEmitter::block_class(Value* q0, Value* q1, Value* k0, Value* k1) {
  Bv v = bool_interval(*mask_, Box{{q0, q1}, {k0, k1}, true});
  Value* partial_or_full = b_.CreateSelect(v.can_false, b_.getInt32(kPartial), b_.getInt32(kFull));
  return b_.CreateSelect(v.can_true, partial_or_full, b_.getInt32(kEmpty));
}

MaskEmitter::Iv MaskEmitter::comparison_keys(Op op, const ExprPtr& lhs, const ExprPtr& rhs,
                                             const Box& box) {
  KeyLinear lin;
  // Not linear in k (k * 2, abs(q - k), k % 8, ...): walk every key, the element test decides.
  if (!decompose(lhs, 1, lin) || !decompose(rhs, -1, lin)) return full();
  if (lin.sign == 0) {
    // No k at all: the comparison holds for all keys or none, depending on the query rows.
    ExprPtr cmp = make_node(op, {lhs, rhs});
    Bv v = bool_interval(*cmp, box);
    Iv f = full(), z = empty();
    return {b_.CreateSelect(v.can_true, f.lo, z.lo), b_.CreateSelect(v.can_true, f.hi, z.hi)};
  }
  // lhs - rhs = sign * T + R  and  (sign * T + R) op 0  <=>  T op' X.
  Iv r{i64(0), i64(0)};
  for (const auto& [s, term] : lin.rest) {
    Iv t = interval(*term, box);
    r = s > 0 ? Iv{sat_add(r.lo, t.lo), sat_add(r.hi, t.hi)}
              : Iv{sat_sub(r.lo, t.hi), sat_sub(r.hi, t.lo)};
  }
  Iv x = r;
  if (lin.sign > 0) {
    x = {sat_sub(i64(0), r.hi), sat_sub(i64(0), r.lo)};
  } else {
    op = mirror_comparison(op);
  }
  Iv t = full();
  switch (op) {
  case Op::Lt:
    t.hi = sat_sub(x.hi, i64(1));
    break;
  case Op::Le:
    t.hi = x.hi;
    break;
  case Op::Gt:
    t.lo = sat_add(x.lo, i64(1));
    break;
  case Op::Ge:
    t.lo = x.lo;
    break;
  case Op::Eq:
    t = x;
    break;
  default:
    return full();
  }
  if (!lin.divisor) return t;
  // T = k / c with one positive c: k / c in [lo, hi]  <=>  k in [lo * c, hi * c + c - 1].
  Iv c = interval(*lin.divisor, box);
  Value* exact = b_.CreateAnd(b_.CreateICmpEQ(c.lo, c.hi), b_.CreateICmpSGT(c.lo, i64(0)));
  Value* lo = sat_mul(t.lo, c.lo);
  Value* hi = sat_add(sat_mul(t.hi, c.lo), b_.CreateSub(c.lo, i64(1)));
  Iv f = full();
  return {b_.CreateSelect(exact, lo, f.lo), b_.CreateSelect(exact, hi, f.hi)};
}

MaskEmitter::Iv MaskEmitter::key_interval(const Expr& e, bool positive, const Box& box) {
  if (is_comparison(e.op()))
    return comparison_keys(positive ? e.op() : negate_comparison(e.op()), e.arg(0), e.arg(1), box);
  switch (e.op()) {
  case Op::True:
    return positive ? full() : empty();
  case Op::False:
    return positive ? empty() : full();
  case Op::Not:
    return key_interval(*e.arg(0), !positive, box);
  case Op::And:
  case Op::Or: {
    Iv a = key_interval(*e.arg(0), positive, box), c = key_interval(*e.arg(1), positive, box);
    // !(a & b) = !a | !b: under negation the connectives trade places.
    bool intersect = (e.op() == Op::And) == positive;
    if (intersect) return {smax(a.lo, c.lo), smin(a.hi, c.hi)};
    return {smin(a.lo, c.lo), smax(a.hi, c.hi)};
  }
  default:
    return full();
  }
}

std::pair<Value*, Value*> MaskEmitter::key_range(Value* q0, Value* q1) {
  Iv r = key_interval(*mask_, true, Box{{q0, q1}, {nullptr, nullptr}, false});
  return {r.lo, r.hi};
}

} // namespace attnjit::cpu
