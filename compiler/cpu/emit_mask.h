// Emits a mask (built-ins already expanded) as LLVM IR, in three forms the tile function needs:
//  - predicate: the exact element test for one (q, k), floor `/` and `%` for every sign;
//  - block class: EMPTY / PARTIAL / FULL of a rectangle of positions, by interval arithmetic
//    (sound: EMPTY and FULL are only claimed when they hold for every pair);
//  - key range: for a query rectangle, one interval of k outside which no key is attended
//    (the hull of the union DESIGN.md describes; empty blocks inside it are skipped by the class).
// All arithmetic is i64; interval bounds use saturating operations so that the "unbounded"
// sentinels never wrap.
#pragma once

#include "dsl/ir.h"

#include <llvm/IR/IRBuilder.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace attnjit::cpu {

enum BlockClass : int32_t { kEmpty = 0, kPartial = 1, kFull = 2 };

class MaskEmitter {
public:
  // Loads every parameter value from `params` (an i64 array in `names` order) at the builder's
  // current point, which must dominate every later use (the function's entry).
  MaskEmitter(llvm::IRBuilder<>& b, ExprPtr mask, const std::vector<std::string>& names,
              llvm::Value* params);

  llvm::Value* predicate(llvm::Value* q, llvm::Value* k); // i1
  llvm::Value* block_class(llvm::Value* q0, llvm::Value* q1, llvm::Value* k0,
                           llvm::Value* k1); // i32 BlockClass
  std::pair<llvm::Value*, llvm::Value*> key_range(llvm::Value* q0, llvm::Value* q1);

private:
  struct Iv {
    llvm::Value* lo;
    llvm::Value* hi;
  };
  struct Bv {
    llvm::Value* can_true;
    llvm::Value* can_false;
  };
  struct Box {
    Iv q, k;
    bool has_k;
  };

  llvm::Value* exact_int(const Expr& e, llvm::Value* q, llvm::Value* k);
  llvm::Value* exact_bool(const Expr& e, llvm::Value* q, llvm::Value* k);
  Iv interval(const Expr& e, const Box& box);
  Bv bool_interval(const Expr& e, const Box& box);
  Iv key_interval(const Expr& e, bool positive, const Box& box);
  Iv comparison_keys(Op op, const ExprPtr& lhs, const ExprPtr& rhs, const Box& box);

  llvm::Value* i64(int64_t v);
  llvm::Value* smin(llvm::Value* a, llvm::Value* b);
  llvm::Value* smax(llvm::Value* a, llvm::Value* b);
  llvm::Value* sat_add(llvm::Value* a, llvm::Value* b);
  llvm::Value* sat_sub(llvm::Value* a, llvm::Value* b);
  llvm::Value* sat_mul(llvm::Value* a, llvm::Value* b);
  std::pair<llvm::Value*, llvm::Value*> floor_divmod(llvm::Value* a, llvm::Value* d);
  Iv full();
  Iv empty();

  llvm::IRBuilder<>& b_;
  ExprPtr mask_;
  std::map<std::string, llvm::Value*> params_;
};

} // namespace attnjit::cpu
