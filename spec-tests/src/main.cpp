// wpvm-spec: runs WebAssembly spec scripts (.wast, converted with wast2json)
// against wpvm and compares the outcome with the expectation list. Each script
// runs in a child process, so a crash or a hang in one script is reported as
// such and the run goes on. See usage() for the options.
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

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
  unsigned timeout_s = 600;
};

// A script to run: its path and its name in reports and in the expectation list.
struct Input {
  fs::path path;
  std::string name;  // "core/i32.wast"
};

// Per-script tallies. Lives in memory shared with the child that runs the
// script, so the parent still knows how far a crashed child got.
struct FileCounts {
  uint32_t passed = 0, failed = 0, skipped = 0;
  uint32_t expected = 0;    // failures the list expects
  uint32_t unexpected = 0;  // failures it does not
  uint32_t stale = 0;       // list entries whose failure did not happen
  uint32_t line = 0;        // command in progress
  char command[32] = {};
  bool done = false;
};

void usage(FILE* out) {
  std::fprintf(out,
               "usage: wpvm-spec [options] [FILE.wast|FILE.json|DIR]...\n"
               "Runs spec scripts (default: TESTSUITE/core and TESTSUITE/threads; a DIR means its *.wast).\n"
               "  --tier interp|jit   execution tier (default interp)\n"
               "  --testsuite DIR     the spec suite (default %s)\n"
               "  --work DIR          where converted scripts go (default %s)\n"
               "  --expect FILE       expectation list (default %s; 'none' for no list)\n"
               "  --wast2json PATH    converter (default %s)\n"
               "  --timeout SEC       per-script time limit (default 600; 0 = none)\n"
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
      auto [end, ec] = std::from_chars(v, v + std::strlen(v), o.timeout_s);
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

void print_failure(const Input& in, const CommandReport& r, const Expectation* why) {
  std::printf("  %s:%u: %s: %s%s%s\n", in.name.c_str(), r.line, r.command.c_str(), r.detail.c_str(),
              why ? "  [expected: " : "", why ? (why->reason + "]").c_str() : "");
}

// Converts and runs one script, printing its failures and its summary line.
void run_file(const Input& in, const Options& o, const ExpectationList& list, FileCounts& c) {
  FileExpectations expect(list, in.name);
  auto failed = [&](const CommandReport& r) {
    ++c.failed;
    const Expectation* why = expect.record_failure(r.line);
    why ? ++c.expected : ++c.unexpected;
    if (o.verbose || (!why && c.unexpected <= kQuietFailureLimit)) print_failure(in, r, why);
  };
  fs::path json = in.path;
  bool ran = false;  // only a script that ran can tell which listed failures are stale
  if (in.path.extension() != ".json") {
    fs::path rel = fs::path(in.name).replace_extension();
    auto converted = convert_wast(o.wast2json, in.path, o.work / rel);
    if (!converted) failed({0, "convert", Verdict::kFail, converted.error().message});
    else json = *converted;
  }
  if (c.failed == 0) {
    auto on_command = [&](const CommandReport& r) {
      if (r.verdict == Verdict::kPass) ++c.passed;
      else if (r.verdict == Verdict::kSkip) ++c.skipped;
      else failed(r);
    };
    auto on_progress = [&](uint32_t line, const std::string& cmd) {
      c.line = line;
      std::snprintf(c.command, sizeof c.command, "%s", cmd.c_str());
    };
    auto r = run_script(json, o.script, on_command, on_progress);
    if (!r) failed({0, "script", Verdict::kFail, r.error().message});
    ran = r.ok();
  }
  if (!o.verbose && c.unexpected > kQuietFailureLimit)
    std::printf("  ... %u more unexpected failures (use -v)\n", c.unexpected - kQuietFailureLimit);
  for (const Expectation* e : ran ? expect.unexpected_passes() : std::vector<const Expectation*>{}) {
    ++c.stale;
    std::printf("  %s:%s: listed as failing (expectation list line %u: %s) but passed\n", in.name.c_str(),
                e->line ? std::to_string(*e->line).c_str() : "*", e->list_line, e->reason.c_str());
  }
  std::printf("%s: %u passed, %u failed, %u skipped\n", in.name.c_str(), c.passed, c.failed, c.skipped);
  std::fflush(stdout);
  c.done = true;
}

// Runs run_file in a child; a child that dies or hangs counts one failure at
// the command it was running (expected only if the list says so).
void run_isolated(const Input& in, const Options& o, const ExpectationList& list, FileCounts& total) {
  void* mem = mmap(nullptr, sizeof(FileCounts), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return run_file(in, o, list, total);
  auto* c = new (mem) FileCounts();
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    if (o.timeout_s) alarm(o.timeout_s);
    run_file(in, o, list, *c);
    std::fflush(stdout);
    _exit(0);
  }
  int status = 0;
  while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  total = *c;
  munmap(mem, sizeof(FileCounts));
  if (pid > 0 && total.done) return;

  const bool timed_out = pid > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM;
  std::string what = pid < 0                ? std::string("could not fork")
                     : timed_out            ? "timed out after " + std::to_string(o.timeout_s) + " s"
                     : WIFSIGNALED(status)  ? "crashed with signal " + std::to_string(WTERMSIG(status))
                                            : "exited with status " + std::to_string(WEXITSTATUS(status));
  FileExpectations expect(list, in.name);
  const Expectation* why = expect.record_failure(total.line);
  ++total.failed;
  why ? ++total.expected : ++total.unexpected;
  std::printf("  %s:%u: %s: runner %s; the rest of the script did not run%s%s\n", in.name.c_str(), total.line,
              total.command, what.c_str(), why ? "  [expected: " : "", why ? (why->reason + "]").c_str() : "");
  std::printf("%s: %u passed, %u failed, %u skipped\n", in.name.c_str(), total.passed, total.failed, total.skipped);
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
    FileCounts c;
    o.fork ? run_isolated(in, o, list, c) : run_file(in, o, list, c);
    sum.passed += c.passed, sum.failed += c.failed, sum.skipped += c.skipped;
    sum.expected += c.expected, sum.unexpected += c.unexpected, sum.stale += c.stale;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu scripts in %.1f s; failures: %u expected (listed), %u unexpected; %u listed failures passed\n",
              inputs.size(), seconds, sum.expected, sum.unexpected, sum.stale);
  std::printf("%u passed, %u failed, %u skipped\n", sum.passed, sum.failed, sum.skipped);
  return sum.unexpected == 0 && sum.stale == 0 ? 0 : 1;
}
