// The spec-script interpreter: one ScriptRunner per script, one method per
// command type. Every engine call returns a Result or CallResult; exceptions
// (from the JSON library, or escaping the engine) are caught per command.
#include "script.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "spectest_host.h"
#include "traps.h"
#include "values.h"
#include "wpvm/module_def.h"

namespace wpvm::spec {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct Outcome {
  Verdict verdict = Verdict::kPass;
  std::string detail;
};

Outcome pass() { return {Verdict::kPass, {}}; }
Outcome fail(std::string detail) { return {Verdict::kFail, std::move(detail)}; }
Outcome skip(std::string detail) { return {Verdict::kSkip, std::move(detail)}; }

Result<std::vector<uint8_t>> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::kIo, kNoOffset, "cannot read " + path.string());
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return bytes;
}

const char* error_kind_name(ErrorKind k) {
  switch (k) {
    case ErrorKind::kMalformed: return "malformed";
    case ErrorKind::kInvalid: return "invalid";
    case ErrorKind::kUnlinkable: return "unlinkable";
    case ErrorKind::kUninstantiable: return "uninstantiable";
    case ErrorKind::kIo: return "io";
    case ErrorKind::kUsage: return "usage";
    case ErrorKind::kResource: return "resource";
    case ErrorKind::kIncompatible: return "incompatible";
  }
  return "?";
}

std::string describe_error(const Error& e) {
  std::string s = std::string(error_kind_name(e.kind)) + " error";
  if (e.offset != kNoOffset) s += " at byte " + std::to_string(e.offset);
  return s + ": " + e.message;
}

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

class ScriptRunner {
 public:
  ScriptRunner(fs::path dir, const ScriptOptions& options)
      : dir_(std::move(dir)), strict_phase_(options.strict_phase), engine_(options.engine), store_(engine_) {}

  // With fuel on (--fuel), the store gets all there is: the scripts run on
  // the code that charges it, and never run out.
  Result<void> init() {
    if (engine_.config().consume_fuel)
      if (auto r = store_.set_fuel(UINT64_MAX); !r) return r;
    return define_spectest(store_, linker_);
  }

  Outcome run(const json& cmd) {
    const std::string type = str(cmd, "type");
    if (type == "module") return do_module(cmd);
    if (type == "register") return do_register(cmd);
    if (type == "action") return do_action(cmd);
    if (type == "assert_return") return do_assert_return(cmd);
    if (type == "assert_trap") return do_assert_trap(cmd, str(cmd, "text"));
    if (type == "assert_exhaustion") return do_assert_trap(cmd, "call stack exhausted");
    if (type == "assert_invalid" || type == "assert_malformed") return do_assert_rejected(cmd, type);
    if (type == "assert_unlinkable") return do_assert_link_fails(cmd, ErrorKind::kUnlinkable);
    if (type == "assert_uninstantiable") return do_assert_link_fails(cmd, ErrorKind::kUninstantiable);
    return fail("unsupported command type '" + type + "'");
  }

  // A command not run (it killed an earlier runner): a module it would have
  // made current is missing, not silently replaced by the previous one.
  void skip_command(const json& cmd) {
    if (str(cmd, "type") != "module") return;
    current_ = nullptr;
    if (!str(cmd, "name").empty()) named_[str(cmd, "name")] = nullptr;
    missing_ = "the module at line " + std::to_string(cmd.value("line", 0)) + " killed the runner";
  }

 private:
  Result<std::shared_ptr<const Module>> load(const json& cmd) {
    auto bytes = read_file(dir_ / str(cmd, "filename"));
    if (!bytes) return bytes.error();
    return load_module(*bytes);
  }

  // A module that fails leaves no current module (nor a binding for its name):
  // commands aimed at it fail as such instead of running on an older module.
  Outcome do_module(const json& cmd) {
    const std::string name = str(cmd, "name");
    current_ = nullptr;
    if (!name.empty()) named_[name] = nullptr;
    missing_ = "the module at line " + std::to_string(cmd.value("line", 0)) + " failed";
    auto module = load(cmd);
    if (!module) return fail("module: " + describe_error(module.error()));
    auto instance = store_.instantiate(*module, linker_);
    if (!instance) return fail("module: " + describe_error(instance.error()));
    current_ = *instance;
    if (!name.empty()) named_[name] = current_;
    return pass();
  }

  // The instance an action or register names (or the current one).
  Result<Instance*> instance_for(const std::string& name) {
    if (name.empty()) {
      if (current_) return current_;
      return make_error(ErrorKind::kUsage, kNoOffset, "no current module (" + missing_ + ")");
    }
    auto it = named_.find(name);
    if (it == named_.end()) return make_error(ErrorKind::kUsage, kNoOffset, "no module named " + name);
    if (!it->second) return make_error(ErrorKind::kUsage, kNoOffset, "module " + name + " failed to instantiate");
    return it->second;
  }

  Outcome do_register(const json& cmd) {
    auto instance = instance_for(str(cmd, "name"));
    if (!instance) return fail("register: " + instance.error().message);
    linker_.define_instance(str(cmd, "as"), **instance);
    return pass();
  }

  std::string describe_action(const json& action) {
    std::string s = str(action, "type") + " ";
    if (action.contains("module")) s += str(action, "module") + ".";
    s += "\"" + str(action, "field") + "\"";
    if (str(action, "type") != "invoke") return s;
    s += "(";
    const json args = action.value("args", json::array());
    for (size_t i = 0; i < args.size(); ++i) {
      auto v = parse_arg(args[i], refs_);
      s += (i ? ", " : "") + (v ? format_value(*v, refs_) : args[i].dump());
    }
    return s + ")";
  }

  // Performs an invoke or get. Errors: the action could not be attempted.
  Result<CallResult> perform(const json& action) {
    auto instance = instance_for(str(action, "module"));
    if (!instance) return instance.error();
    const std::string field = str(action, "field");
    const std::optional<Extern> ext = (*instance)->find_export(field);
    if (!ext) return make_error(ErrorKind::kUsage, kNoOffset, "no export \"" + field + "\"");
    if (str(action, "type") == "get") {
      Global* const* g = std::get_if<Global*>(&*ext);
      if (!g) return make_error(ErrorKind::kUsage, kNoOffset, "export \"" + field + "\" is not a global");
      return CallResult{{(*g)->get()}, std::nullopt};
    }
    if (str(action, "type") != "invoke") return make_error(ErrorKind::kUsage, kNoOffset, "unknown action type");
    Func* const* f = std::get_if<Func*>(&*ext);
    if (!f) return make_error(ErrorKind::kUsage, kNoOffset, "export \"" + field + "\" is not a function");
    std::vector<Value> args;
    for (const auto& a : action.value("args", json::array())) {
      auto v = parse_arg(a, refs_);
      if (!v) return v.error();
      args.push_back(*v);
    }
    return store_.call(*f, args);
  }

  std::string format_results(const std::vector<Value>& values, const std::vector<ExpectedValue>& shapes) {
    std::string s = "(";
    for (size_t i = 0; i < values.size(); ++i) {
      const LaneShape shape = i < shapes.size() ? shapes[i].shape : LaneShape::kI32;
      s += (i ? ", " : "") + format_value(values[i], refs_, shape);
    }
    return s + ")";
  }

  Outcome do_action(const json& cmd) {
    const json& action = cmd.at("action");
    auto r = perform(action);
    if (!r) return fail(describe_action(action) + ": " + r.error().message);
    if (r->trap) return fail(describe_action(action) + ": trapped: " + describe_trap(*r->trap));
    return pass();
  }

  Outcome do_assert_return(const json& cmd) {
    const json& action = cmd.at("action");
    std::vector<ExpectedValue> expected;
    for (const auto& e : cmd.value("expected", json::array())) {
      auto v = parse_expected(e);
      if (!v) return fail("bad expected value: " + v.error().message);
      expected.push_back(*v);
    }
    auto r = perform(action);
    if (!r) return fail(describe_action(action) + ": " + r.error().message);
    if (r->trap) return fail(describe_action(action) + ": trapped: " + describe_trap(*r->trap));
    bool ok = r->values.size() == expected.size();
    for (size_t i = 0; ok && i < expected.size(); ++i) ok = matches(expected[i], r->values[i], refs_);
    if (ok) return pass();
    std::string want = "(";
    for (size_t i = 0; i < expected.size(); ++i) want += (i ? ", " : "") + format_expected(expected[i]);
    return fail(describe_action(action) + ": expected " + want + "), got " + format_results(r->values, expected));
  }

  Outcome do_assert_trap(const json& cmd, const std::string& text) {
    const json& action = cmd.at("action");
    auto r = perform(action);
    if (!r) return fail(describe_action(action) + ": " + r.error().message);
    if (!r->trap) return fail(describe_action(action) + ": expected trap \"" + text + "\", got " + format_results(r->values, {}));
    const std::optional<TrapKind> kind = trap_kind_for_text(text);
    if (!kind) return fail("unknown trap text \"" + text + "\" (trapped with " + describe_trap(*r->trap) + ")");
    if (r->trap->kind != *kind)
      return fail(describe_action(action) + ": expected trap \"" + text + "\", got " + describe_trap(*r->trap));
    return pass();
  }

  // assert_invalid / assert_malformed: the module must be rejected (and, with
  // strict_phase, by the right phase).
  Outcome do_assert_rejected(const json& cmd, const std::string& type) {
    if (str(cmd, "module_type") == "text") return skip("text-format module");
    const std::string what = type + " \"" + str(cmd, "text") + "\"";
    auto module = load(cmd);
    if (module) return fail(what + ": module was accepted");
    const ErrorKind kind = module.error().kind;
    if (kind != ErrorKind::kMalformed && kind != ErrorKind::kInvalid)
      return fail(what + ": " + describe_error(module.error()));
    const ErrorKind phase = type == "assert_invalid" ? ErrorKind::kInvalid : ErrorKind::kMalformed;
    if (strict_phase_ && kind != phase) return fail(what + ": rejected as " + describe_error(module.error()));
    return pass();
  }

  // assert_unlinkable / assert_uninstantiable: loads, then instantiation must fail in `phase`.
  Outcome do_assert_link_fails(const json& cmd, ErrorKind phase) {
    const std::string what = std::string(phase == ErrorKind::kUnlinkable ? "assert_unlinkable" : "assert_uninstantiable") +
                             " \"" + str(cmd, "text") + "\"";
    auto module = load(cmd);
    if (!module) return fail(what + ": module did not load: " + describe_error(module.error()));
    auto instance = store_.instantiate(*module, linker_);
    if (instance) return fail(what + ": module instantiated");
    if (instance.error().kind != phase) return fail(what + ": failed with " + describe_error(instance.error()));
    return pass();
  }

  fs::path dir_;
  bool strict_phase_ = false;
  Engine engine_;
  Store store_;
  Linker linker_;
  HostRefs refs_;
  std::map<std::string, Instance*> named_;
  Instance* current_ = nullptr;
  std::string missing_ = "no module yet";
};

Outcome run_guarded(ScriptRunner& runner, const json& cmd) {
  try {
    return runner.run(cmd);
  } catch (const std::exception& e) {
    return fail(std::string("exception: ") + e.what());
  } catch (...) {
    return fail("unknown exception");
  }
}

}  // namespace

Result<void> run_script(const fs::path& json_path, const ScriptOptions& options, const CommandSink& sink,
                        const ProgressSink& progress, const ResumePlan& plan) {
  std::ifstream in(json_path);
  if (!in) return make_error(ErrorKind::kIo, kNoOffset, "cannot read " + json_path.string());
  json script = json::parse(in, nullptr, false);
  if (script.is_discarded() || !script.contains("commands") || !script["commands"].is_array())
    return make_error(ErrorKind::kIo, kNoOffset, "bad script JSON " + json_path.string());

  ScriptRunner runner(json_path.parent_path(), options);
  WPVM_TRY(runner.init());
  const json& commands = script["commands"];
  for (uint32_t i = 0; i < commands.size(); ++i) {
    const json& cmd = commands[i];
    const uint32_t line = cmd.is_object() ? cmd.value("line", 0u) : 0u;
    const std::string type = cmd.is_object() ? str(cmd, "type") : std::string("?");
    if (std::find(plan.skip.begin(), plan.skip.end(), i) != plan.skip.end()) {
      runner.skip_command(cmd);
      continue;
    }
    if (progress) progress(i, line, type);
    Outcome o = run_guarded(runner, cmd);
    if (i < plan.report_from) continue;  // replayed: reported by an earlier run
    sink(CommandReport{i, line, type, o.verdict, std::move(o.detail)});
  }
  return {};
}

}  // namespace wpvm::spec
