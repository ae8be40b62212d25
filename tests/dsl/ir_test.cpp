#include "dsl/ir.h"

#include <catch2/catch.hpp>

using namespace attnjit;

TEST_CASE("ir: parameters are collected sorted and once", "[ir]") {
  ExprPtr e = make_node(Op::And, {make_node(Op::Window, {make_param("W"), make_lit(0)}),
                                  make_node(Op::Sink, {make_param("S")}),
                                  make_node(Op::Window, {make_param("W"), make_param("A")})});
  CHECK(collect_params(*e) == std::vector<std::string>{"A", "S", "W"});
  CHECK(e->type() == Type::Bool);
  CHECK(e->arg(0)->arg(0)->type() == Type::Int);
}
