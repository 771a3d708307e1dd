// wpvm-spec: runs WebAssembly spec scripts (.wast, converted with wast2json)
// against wpvm and compares the outcome with the expectation list. Scripts run
// in child processes (supervisor.h), so a command that crashes or hangs the
// engine is one failure and the run goes on. See usage() for the options.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "config.h"
#include "convert.h"
#include "expectations.h"
#include "script.h"
#include "supervisor.h"

namespace {

namespace fs = std::filesystem;
using namespace wpvm;
using namespace wpvm::spec;

constexpr uint32_t kQuietFailureLimit = 10;  // unexpected failures shown per file without -v

struct Options {
  std::vector<fs::path> inputs;
  fs::path testsuite = WPVM_SPEC_TESTSUITE;
  fs::path work = WPVM_SPEC_WORK;
  fs::path expect = WPVM_SPEC_EXPECT;
  fs::path wast2json = WPVM_SPEC_WAST2JSON;
  ScriptOptions script;
  bool verbose = false;
  bool fork = true;
  SupervisorOptions supervisor;
};

// A script to run: its path and its name in reports and in the expectation list.
struct Input {
  fs::path path;
  std::string name;  // "core/i32.wast"
};

// Per-script tallies.
struct FileCounts {
  uint32_t passed = 0, failed = 0, skipped = 0;
  uint32_t expected = 0;    // failures the list expects
  uint32_t unexpected = 0;  // failures it does not
  uint32_t stale = 0;       // list entries whose failure did not happen
};

void usage(FILE* out) {
  std::fprintf(out,
               "usage: wpvm-spec [options] [FILE.wast|FILE.json|DIR]...\n"
               "Runs spec scripts (default: TESTSUITE/core and TESTSUITE/threads; a DIR means its *.wast).\n"
               "  --tier interp|jit   execution tier (default jit)\n"
               "  --fuel              run with fuel metering on (EngineConfig::consume_fuel, UINT64_MAX fuel)\n"
               "  --testsuite DIR     the spec suite (default %s)\n"
               "  --work DIR          where converted scripts go (default %s)\n"
               "  --expect FILE       expectation list (default %s; 'none' for no list)\n"
               "  --wast2json PATH    converter (default %s)\n"
               "  --timeout SEC       time limit per child process (default 600; 0 = none)\n"
               "  --no-fork           run scripts in this process (for debuggers)\n"
               "  --strict-phase      assert_invalid must fail validation, assert_malformed decoding\n"
               "  -v                  print every failure with line, command, expected vs got\n"
               "Exit status: 0 iff every failure is listed and every listed failure happened.\n",
               WPVM_SPEC_TESTSUITE, WPVM_SPEC_WORK, WPVM_SPEC_EXPECT, WPVM_SPEC_WAST2JSON);
}

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "-v" || a == "--verbose") o.verbose = true;
    else if (a == "--no-fork") o.fork = false;
    else if (a == "--strict-phase") o.script.strict_phase = true;
    else if (a == "--fuel") o.script.engine.consume_fuel = true;
    else if (a == "-h" || a == "--help") { usage(stdout); std::exit(0); }
    else if (a == "--tier" && (v = next())) {
      if (std::strcmp(v, "interp") == 0) o.script.engine.tier = Tier::kInterp;
      else if (std::strcmp(v, "jit") == 0) o.script.engine.tier = Tier::kJit;
      else return false;
    }
    else if (a == "--testsuite" && (v = next())) o.testsuite = v;
    else if (a == "--work" && (v = next())) o.work = v;
    else if (a == "--expect" && (v = next())) o.expect = v;
    else if (a == "--wast2json" && (v = next())) o.wast2json = v;
    else if (a == "--timeout" && (v = next())) {
      auto [end, ec] = std::from_chars(v, v + std::strlen(v), o.supervisor.timeout_s);
      if (ec != std::errc{} || *end) return false;
    }
    else if (!a.empty() && a[0] == '-') return false;
    else o.inputs.emplace_back(a);
  }
  return true;
}

// "core/i32.wast" for scripts inside the suite, else "<folder>/<file>".
std::string display_name(const fs::path& path, const fs::path& testsuite) {
  std::error_code ec;
  const fs::path abs = fs::weakly_canonical(path, ec);
  const fs::path root = fs::weakly_canonical(testsuite, ec);
  const fs::path rel = abs.lexically_relative(root);
  if (!rel.empty() && *rel.begin() != "..") return rel.generic_string();
  return (abs.parent_path().filename() / abs.filename()).generic_string();
}

bool collect_inputs(const Options& o, std::vector<Input>& out) {
  std::vector<fs::path> roots = o.inputs;
  if (roots.empty()) roots = {o.testsuite / "core", o.testsuite / "threads"};
  for (const auto& root : roots) {
    std::vector<fs::path> found;
    if (fs::is_directory(root)) {
      for (const auto& e : fs::directory_iterator(root))
        if (e.is_regular_file() && e.path().extension() == ".wast") found.push_back(e.path());
      std::sort(found.begin(), found.end());
    } else if (fs::is_regular_file(root)) {
      found.push_back(root);
    } else {
      std::fprintf(stderr, "wpvm-spec: no such file or folder: %s\n", root.c_str());
      return false;
    }
    for (const auto& p : found) out.push_back({p, display_name(p, o.testsuite)});
  }
  return true;
}

// Counts one script's commands, classifies failures against the list and
// prints them (unexpected ones always, up to a limit; all with -v).
class FileReport {
 public:
  FileReport(const Input& in, const ExpectationList& list, std::string_view tier, bool verbose)
      : in_(in), expect_(list, in.name, tier), verbose_(verbose) {}

  void command(const CommandReport& r) {
    if (r.verdict == Verdict::kPass) ++c_.passed;
    else if (r.verdict == Verdict::kSkip) ++c_.skipped;
    else failure(r);
  }

  // `complete`: every command ran, so listed failures that did not happen are stale.
  FileCounts finish(bool complete) {
    if (!verbose_ && c_.unexpected > kQuietFailureLimit)
      std::printf("  ... %u more unexpected failures (use -v)\n", c_.unexpected - kQuietFailureLimit);
    for (const Expectation* e : complete ? expect_.unexpected_passes() : std::vector<const Expectation*>{}) {
      ++c_.stale;
      std::printf("  %s:%s: listed as failing (expectation list line %u: %s) but passed\n", in_.name.c_str(),
                  e->line ? std::to_string(*e->line).c_str() : "*", e->list_line, e->reason.c_str());
    }
    std::printf("%s: %u passed, %u failed, %u skipped\n", in_.name.c_str(), c_.passed, c_.failed, c_.skipped);
    std::fflush(stdout);
    return c_;
  }

 private:
  void failure(const CommandReport& r) {
    ++c_.failed;
    const Expectation* why = expect_.record_failure(r.line);
    why ? ++c_.expected : ++c_.unexpected;
    if (!verbose_ && (why || c_.unexpected > kQuietFailureLimit)) return;
    std::printf("  %s:%u: %s: %s%s%s\n", in_.name.c_str(), r.line, r.command.c_str(), r.detail.c_str(),
                why ? "  [expected: " : "", why ? (why->reason + "]").c_str() : "");
  }

  const Input& in_;
  FileExpectations expect_;
  bool verbose_;
  FileCounts c_;
};

// Converts (if needed) and runs one script, printing its failures and its summary line.
FileCounts run_file(const Input& in, const Options& o, const ExpectationList& list) {
  FileReport report(in, list, o.script.engine.tier == Tier::kJit ? "jit" : "interp", o.verbose);
  fs::path json = in.path;
  if (in.path.extension() != ".json") {
    auto converted = convert_wast(o.wast2json, in.path, o.work / fs::path(in.name).replace_extension());
    if (!converted) {
      report.command({0, 0, "convert", Verdict::kFail, converted.error().message});
      return report.finish(false);
    }
    json = *converted;
  }
  auto sink = [&](const CommandReport& r) { report.command(r); };
  auto r = o.fork ? run_supervised(json, o.script, o.supervisor, sink) : run_script(json, o.script, sink, nullptr);
  if (!r) report.command({0, 0, "script", Verdict::kFail, r.error().message});
  return report.finish(r.ok());
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_options(argc, argv, o)) {
    usage(stderr);
    return 2;
  }
  ExpectationList list;
  if (o.expect != "none") {
    auto loaded = ExpectationList::load(o.expect);
    if (!loaded) {
      std::fprintf(stderr, "wpvm-spec: %s\n", loaded.error().message.c_str());
      return 2;
    }
    list = std::move(*loaded);
  }
  std::vector<Input> inputs;
  if (!collect_inputs(o, inputs)) return 2;

  const auto start = std::chrono::steady_clock::now();
  FileCounts sum;
  for (const auto& in : inputs) {
    const FileCounts c = run_file(in, o, list);
    sum.passed += c.passed, sum.failed += c.failed, sum.skipped += c.skipped;
    sum.expected += c.expected, sum.unexpected += c.unexpected, sum.stale += c.stale;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu scripts in %.1f s; failures: %u expected (listed), %u unexpected; %u listed failures passed\n",
              inputs.size(), seconds, sum.expected, sum.unexpected, sum.stale);
  std::printf("%u passed, %u failed, %u skipped\n", sum.passed, sum.failed, sum.skipped);
  return sum.unexpected == 0 && sum.stale == 0 ? 0 : 1;
}
