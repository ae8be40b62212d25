#include "dsl/print.h"

#include <cassert>
#include <cstdio>
#include <xxhash.h>

namespace attnjit {
namespace {

// Binding strength, loosest first, as the parser's grammar has it.
enum Prec : int { POr = 1, PAnd, PNot, PCmp, PAdd, PMul, PNeg, PAtom };

int precedence(const Expr& e) {
  switch (e.op()) {
  case Op::Or:
    return POr;
  case Op::And:
    return PAnd;
  case Op::Not:
    return PNot;
  case Op::Add:
  case Op::Sub:
    return PAdd;
  case Op::Mul:
  case Op::Div:
  case Op::Mod:
    return PMul;
  case Op::Neg:
    return PNeg;
  // Later passes may build negative literals; they print as `-5`, which reads back as a
  // negation and so binds like one.
  case Op::Lit:
    return e.value() < 0 ? PNeg : PAtom;
  default:
    return is_comparison(e.op()) ? PCmp : PAtom;
  }
}

void print(const Expr& e, std::string& out);

// Prints `e` in parentheses unless it binds at least as tightly as `min_prec`.
void print_operand(const Expr& e, int min_prec, std::string& out) {
  bool parens = precedence(e) < min_prec;
  if (parens) out += '(';
  print(e, out);
  if (parens) out += ')';
}

void print(const Expr& e, std::string& out) {
  const Op op = e.op();
  switch (op) {
  case Op::Lit:
    out += std::to_string(e.value());
    return;
  case Op::Param:
    out += e.name();
    return;
  case Op::Neg:
  case Op::Not:
    assert(e.args().size() == 1 && "unary operator takes one operand");
    out += op_spelling(op);
    print_operand(*e.arg(0), precedence(e), out);
    return;
  default:
    break;
  }
  const int p = precedence(e);
  if (p == PAtom) {
    // Leaves and calls: `q`, `causal`, `window(1023, 0)`, `abs(x)`.
    out += op_spelling(op);
    if (e.args().empty()) return;
    out += '(';
    for (size_t i = 0; i < e.args().size(); ++i) {
      if (i) out += ", ";
      print(*e.arg(i), out);
    }
    out += ')';
    return;
  }
  assert(e.args().size() == 2 && "binary operator takes two operands");
  // Left-associative: the left operand may share the precedence, the right one may not.
  // Comparisons do not chain, so both of their operands must bind tighter.
  print_operand(*e.arg(0), p == PCmp ? p + 1 : p, out);
  out += ' ';
  out += op_spelling(op);
  out += ' ';
  print_operand(*e.arg(1), p + 1, out);
}

const char* node_name(Op op) {
  switch (op) {
  case Op::Lit:
    return "lit";
  case Op::Param:
    return "param";
  case Op::Q:
    return "q";
  case Op::K:
    return "k";
  case Op::Neg:
    return "neg";
  case Op::Add:
    return "add";
  case Op::Sub:
    return "sub";
  case Op::Mul:
    return "mul";
  case Op::Div:
    return "div";
  case Op::Mod:
    return "mod";
  case Op::Abs:
    return "abs";
  case Op::Min:
    return "min";
  case Op::Max:
    return "max";
  case Op::True:
    return "full";
  case Op::False:
    return "none";
  case Op::Lt:
    return "lt";
  case Op::Le:
    return "le";
  case Op::Gt:
    return "gt";
  case Op::Ge:
    return "ge";
  case Op::Eq:
    return "eq";
  case Op::Ne:
    return "ne";
  case Op::And:
    return "and";
  case Op::Or:
    return "or";
  case Op::Not:
    return "not";
  default:
    return op_spelling(op); // the built-in patterns go by their own names
  }
}

void dump(const Expr& e, int indent, std::string& out) {
  out.append(static_cast<size_t>(indent) * 2, ' ');
  out += node_name(e.op());
  if (e.op() == Op::Lit) out += " " + std::to_string(e.value());
  if (e.op() == Op::Param) out += " " + e.name();
  const Span& s = e.span();
  out += " " + std::to_string(s.line) + ":" + std::to_string(s.col) + "+" +
         std::to_string(s.length) + "\n";
  for (const ExprPtr& a : e.args()) dump(*a, indent + 1, out);
}

} // namespace

std::string to_canonical(const Expr& e) {
  std::string out;
  print(e, out);
  return out;
}

std::string dump_ir(const Expr& e) {
  std::string out;
  dump(e, 0, out);
  return out;
}

std::string structural_hash(const Expr& e) {
  std::string text = to_canonical(e);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(text.data(), text.size())));
  return buf;
}

} // namespace attnjit
