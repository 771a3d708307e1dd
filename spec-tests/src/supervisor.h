// Running a script in child processes, so that a command that crashes or hangs
// the engine costs that command only: the supervisor reports it as a failure
// and starts a new child that replays the script up to it, skips it, and goes on.
#pragma once
#include <filesystem>

#include "script.h"

namespace wpvm::spec {

struct SupervisorOptions {
  unsigned timeout_s = 600;  // per child; 0 = none
  unsigned max_restarts = 100;  // each restart replays the script so far
};

// Like run_script, in child processes; every command's report reaches `sink`
// (in order), including a failure for each command that killed a child.
Result<void> run_supervised(const std::filesystem::path& json, const ScriptOptions& options,
                            const SupervisorOptions& supervisor, const CommandSink& sink);

}  // namespace wpvm::spec
