// Masks written as C++ expressions for the CPU tests (`causal() & (Q() - K()) % 7 == 3`), built
// with the IR's make_* helpers so the tests do not depend on the parser.
#pragma once

#include "compiler/normalize.h"
#include "compiler/pipeline.h"
#include "dsl/ir.h"

#include <string>

namespace attnjit::test {

struct M {
  M(ExprPtr x) : e(std::move(x)) {}
  M(int v) : e(make_lit(v)) {}
  ExprPtr e;
};

inline M Q() {
  return {make_leaf(Op::Q)};
}
inline M K() {
  return {make_leaf(Op::K)};
}
inline M lit(int64_t v) {
  return {make_lit(v)};
}
inline M param(std::string n) {
  return {make_param(std::move(n))};
}
inline M bin(Op op, M a, M b) {
  return {make_node(op, {a.e, b.e})};
}
inline M operator+(M a, M b) {
  return bin(Op::Add, a, b);
}
inline M operator-(M a, M b) {
  return bin(Op::Sub, a, b);
}
inline M operator*(M a, M b) {
  return bin(Op::Mul, a, b);
}
inline M operator/(M a, M b) {
  return bin(Op::Div, a, b);
}
inline M operator%(M a, M b) {
  return bin(Op::Mod, a, b);
}
inline M operator-(M a) {
  return {make_node(Op::Neg, {a.e})};
}
inline M operator<(M a, M b) {
  return bin(Op::Lt, a, b);
}
inline M operator<=(M a, M b) {
  return bin(Op::Le, a, b);
}
inline M operator>(M a, M b) {
  return bin(Op::Gt, a, b);
}
inline M operator>=(M a, M b) {
  return bin(Op::Ge, a, b);
}
inline M operator==(M a, M b) {
  return bin(Op::Eq, a, b);
}
inline M operator!=(M a, M b) {
  return bin(Op::Ne, a, b);
}
inline M operator&(M a, M b) {
  return bin(Op::And, a, b);
}
inline M operator|(M a, M b) {
  return bin(Op::Or, a, b);
}
inline M operator!(M a) {
  return {make_node(Op::Not, {a.e})};
}
inline M abs_(M a) {
  return {make_node(Op::Abs, {a.e})};
}
inline M min_(M a, M b) {
  return bin(Op::Min, a, b);
}
inline M max_(M a, M b) {
  return bin(Op::Max, a, b);
}
inline M full() {
  return {make_leaf(Op::True)};
}
inline M none() {
  return {make_leaf(Op::False)};
}
inline M causal() {
  return {make_leaf(Op::Causal)};
}
inline M window(M l, M r) {
  return {make_node(Op::Window, {l.e, r.e})};
}
inline M sink(M n) {
  return {make_node(Op::Sink, {n.e})};
}
inline M global(M n) {
  return {make_node(Op::Global, {n.e})};
}
inline M prefix(M n) {
  return {make_node(Op::Prefix, {n.e})};
}
inline M chunk(M c) {
  return {make_node(Op::Chunk, {c.e})};
}
inline M dilated(M l, M r, M d) {
  return {make_node(Op::Dilated, {l.e, r.e, d.e})};
}

// A MaskProgram as the front end would hand it over: the tree as checked, and its normal form.
inline MaskProgram program(M m, std::string name) {
  MaskProgram p;
  p.source = name;
  p.canonical = std::move(name);
  p.checked = m.e;
  p.normalized = normalize(m.e);
  p.params = collect_params(*m.e);
  return p;
}

} // namespace attnjit::test
