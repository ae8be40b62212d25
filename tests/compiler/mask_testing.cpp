#include "mask_testing.h"

namespace attnjit::testing {

int64_t param_value(const std::string& name, MaskGen& g) {
  if (name == "C") return g.uniform(1, 12);
  if (name == "N" || name == "W") return g.uniform(0, 40);
  return g.uniform(-25, 25);
}

ExprPtr MaskGen::size_arg() {
  switch (uniform(0, 2)) {
  case 0:
    return make_param(uniform(0, 1) ? "N" : "W");
  default:
    return make_lit(uniform(0, 30));
  }
}

ExprPtr MaskGen::divisor_arg() {
  return uniform(0, 1) ? make_param("C") : make_lit(uniform(1, 9));
}

ExprPtr MaskGen::builtin() {
  switch (uniform(0, 8)) {
  case 0:
    return make_leaf(Op::Causal);
  case 1:
    return make_node(Op::Window, {size_arg(), size_arg()});
  case 2:
    return make_node(Op::Sink, {size_arg()});
  case 3:
    return make_node(Op::Global, {size_arg()});
  case 4:
    return make_node(Op::Prefix, {size_arg()});
  case 5:
    return make_node(Op::Chunk, {divisor_arg()});
  case 6:
    return make_node(Op::Dilated, {size_arg(), size_arg(), divisor_arg()});
  case 7:
    return make_leaf(Op::True);
  default:
    return make_leaf(Op::False);
  }
}

ExprPtr MaskGen::integer(int depth) {
  const int pick = int(uniform(0, depth <= 0 ? 3 : 12));
  switch (pick) {
  case 0:
    return make_leaf(Op::Q);
  case 1:
    return make_leaf(Op::K);
  case 2:
    return make_lit(uniform(-20, 20));
  case 3: {
    static const char* names[] = {"A", "B", "N", "W", "C"};
    return make_param(names[uniform(0, 4)]);
  }
  case 4:
  case 5:
    return make_node(Op::Add, {integer(depth - 1), integer(depth - 1)});
  case 6:
    return make_node(Op::Sub, {integer(depth - 1), integer(depth - 1)});
  case 7:
    return make_node(Op::Neg, {integer(depth - 1)});
  case 8: {
    ExprPtr s = uniform(0, 1) ? make_lit(uniform(-3, 3)) : make_param(uniform(0, 1) ? "A" : "C");
    ExprPtr x = integer(depth - 1);
    return uniform(0, 1) ? make_node(Op::Mul, {s, x}) : make_node(Op::Mul, {x, s});
  }
  case 9:
    return make_node(uniform(0, 1) ? Op::Div : Op::Mod, {integer(depth - 1), divisor_arg()});
  case 10:
    return make_node(Op::Abs, {integer(depth - 1)});
  case 11:
    return make_node(Op::Min, {integer(depth - 1), integer(depth - 1)});
  default:
    return make_node(Op::Max, {integer(depth - 1), integer(depth - 1)});
  }
}

ExprPtr MaskGen::boolean(int depth) {
  const int pick = int(uniform(0, depth <= 0 ? 1 : 5));
  static const Op cmps[] = {Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::Eq, Op::Ne};
  switch (pick) {
  case 0:
    return builtin();
  case 1:
    return make_node(cmps[uniform(0, 5)], {integer(uniform(0, 2)), integer(uniform(0, 2))});
  case 2:
  case 3:
    return make_node(Op::And, {boolean(depth - 1), boolean(depth - 1)});
  case 4:
    return make_node(Op::Or, {boolean(depth - 1), boolean(depth - 1)});
  default:
    return make_node(Op::Not, {boolean(depth - 1)});
  }
}

RandomMask MaskGen::mask(int depth) {
  RandomMask r{make_mask_program(boolean(depth)), {}};
  for (const std::string& p : r.program.params) r.values.push_back(param_value(p, *this));
  return r;
}

int64_t count_attended(const MaskEvaluator& attend, int64_t q0, int64_t q1, int64_t k0,
                       int64_t k1) {
  int64_t n = 0;
  for (int64_t q = q0; q <= q1; ++q)
    for (int64_t k = k0; k <= k1; ++k) n += attend(q, k);
  return n;
}

} // namespace attnjit::testing
