// The expectation list (expected-failures.txt): which spec commands are known
// to fail, and why. One entry a line: `file.wast:LINE  reason` for the
// command(s) at that script line, or `file.wast:*  reason` for a whole file.
// `file` is either a suite-relative path (`core/memory.wast`) or a bare file
// name, which then matches that name in every folder. A reason that starts
// with a tier tag, `[interp]` or `[jit]`, limits the entry to runs of that
// tier. '#' starts a comment line.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wpvm/result.h"

namespace wpvm::spec {

struct Expectation {
  std::string file;             // as written: "core/i32.wast" or "i32.wast"
  std::optional<uint32_t> line;  // nullopt: the whole file
  std::string reason;
  uint32_t list_line = 0;  // where the entry is, for reports
  std::string tier;        // "interp", "jit", or empty for every tier
};

class ExpectationList {
 public:
  // Errors name the list line (kUsage); a reason is mandatory.
  static Result<ExpectationList> parse(std::string_view text);
  static Result<ExpectationList> load(const std::filesystem::path& path);

  // Entries that concern `file` (a suite-relative name like "core/i32.wast")
  // when run on `tier` ("interp" or "jit").
  std::vector<const Expectation*> for_file(std::string_view file, std::string_view tier = "interp") const;
  size_t size() const { return entries_.size(); }

 private:
  std::vector<Expectation> entries_;
};

bool expectation_matches_file(const Expectation& e, std::string_view file);

// The expectations of one script, with what the run made of them.
class FileExpectations {
 public:
  FileExpectations() = default;
  FileExpectations(const ExpectationList& list, std::string_view file, std::string_view tier = "interp");

  // Records a failing command at `line`; returns the entry that expected it, or nullptr.
  const Expectation* record_failure(uint32_t line);
  // Entries that expected failures which did not happen (list is out of date).
  // A whole-file entry is stale only when the file had no failure at all.
  std::vector<const Expectation*> unexpected_passes() const;

 private:
  struct Tracked {
    const Expectation* entry;
    uint32_t hits = 0;
  };
  std::vector<Tracked> entries_;
  uint32_t failures_ = 0;
};

}  // namespace wpvm::spec
