// Running one converted spec script (wast2json JSON) against the engine: a
// fresh Engine/Store, spectest instance and registry per script, every command
// treated as the suite's README prescribes, each one guarded so that nothing a
// command does can stop the script.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "wpvm/result.h"
#include "wpvm/runtime.h"

namespace wpvm::spec {

enum class Verdict : uint8_t { kPass, kFail, kSkip };

struct CommandReport {
  uint32_t index = 0;  // position in the script's command list
  uint32_t line = 0;
  std::string command;  // "assert_return", ...
  Verdict verdict = Verdict::kPass;
  std::string detail;   // for failures: what was done, expected vs got
};

// Called once per command, in script order.
using CommandSink = std::function<void(const CommandReport&)>;

// Before each command it runs (replayed ones too) the runner calls
// `progress(index, line, type)`, so that a supervisor can say where a crash happened.
using ProgressSink = std::function<void(uint32_t index, uint32_t line, const std::string& command)>;

// Resuming a script after a command that crashed the process: commands before
// `report_from` are replayed silently (to rebuild the store's state); those in
// `skip` are not run at all (a skipped module leaves no current module).
struct ResumePlan {
  uint32_t report_from = 0;
  std::vector<uint32_t> skip;
};

struct ScriptOptions {
  EngineConfig engine;
  // assert_invalid must fail validation and assert_malformed decoding; by
  // default any rejection passes (the README allows either).
  bool strict_phase = false;
};

// Runs every command of `json`. Errors are only for scripts that cannot be run
// at all (unreadable JSON, no spectest module).
Result<void> run_script(const std::filesystem::path& json, const ScriptOptions& options,
                        const CommandSink& sink, const ProgressSink& progress, const ResumePlan& plan = {});

}  // namespace wpvm::spec
