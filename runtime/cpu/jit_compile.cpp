#include "runtime/cpu/jit_compile.h"

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/Module.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <cstdlib>
#include <mutex>

namespace attnjit::cpu {

JitModule::JitModule() = default;
JitModule::~JitModule() = default;

namespace {

std::string llvm_message(llvm::Error e) {
  return llvm::toString(std::move(e));
}

bool debug_dump() {
  const char* v = std::getenv("ATTNJIT_DEBUG");
  return v && *v && std::string(v) != "0";
}

void optimize(llvm::Module& m, llvm::TargetMachine& tm) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3).run(m, mam);
}

} // namespace

Result<std::unique_ptr<JitModule>> jit_compile(std::unique_ptr<llvm::LLVMContext> ctx,
                                               std::unique_ptr<llvm::Module> module) {
  static std::once_flag init;
  std::call_once(init, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });

  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb)
    return Error{"cpu backend: cannot describe this host: " + llvm_message(jtmb.takeError())};
  jtmb->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto tm = jtmb->createTargetMachine();
  if (!tm) return Error{"cpu backend: no target machine: " + llvm_message(tm.takeError())};

  module->setDataLayout((*tm)->createDataLayout());
  module->setTargetTriple((*tm)->getTargetTriple().str());
  // Per-function target attributes are what the optimizer's cost model and the code generator
  // read; without them the vectorizer would plan for a baseline x86-64 with no AVX.
  for (llvm::Function& f : *module) {
    if (f.isDeclaration()) continue;
    f.addFnAttr("target-cpu", (*tm)->getTargetCPU());
    f.addFnAttr("target-features", (*tm)->getTargetFeatureString());
  }
  if (debug_dump()) {
    llvm::errs() << "; attnjit cpu: lowered IR\n";
    module->print(llvm::errs(), nullptr);
  }
  optimize(*module, **tm);
  if (debug_dump()) {
    llvm::errs() << "; attnjit cpu: after O3\n";
    module->print(llvm::errs(), nullptr);
  }

  auto out = std::make_unique<JitModule>();
  out->cpu = (*tm)->getTargetCPU().str();
  auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*jtmb)).create();
  if (!jit) return Error{"cpu backend: cannot start the JIT: " + llvm_message(jit.takeError())};
  out->jit = std::move(*jit);
  // The kernel calls memset and logf from the C library of this process.
  auto gen = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      out->jit->getDataLayout().getGlobalPrefix());
  if (!gen) return Error{"cpu backend: " + llvm_message(gen.takeError())};
  out->jit->getMainJITDylib().addGenerator(std::move(*gen));
  if (auto err =
          out->jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(ctx))))
    return Error{"cpu backend: " + llvm_message(std::move(err))};
  auto sym = out->jit->lookup(kTileFunctionName);
  if (!sym) return Error{"cpu backend: " + llvm_message(sym.takeError())};
  out->tile = sym->toPtr<TileFn>();
  return out;
}

} // namespace attnjit::cpu
