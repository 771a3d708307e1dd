// Runs one of the threads proposal's multi-threaded scripts (litmus tests,
// wait/notify, nested threads), which wast2json cannot convert: a small
// reader for the script commands they use (module, register, thread, wait,
// invoke, assert_return with `either`, assert_unlinkable). Each script thread
// runs on its own OS thread with its own Store; `(shared (module $M))` gives it
// $M's memories as aliases of the same pages. Modules are assembled once with
// wat2wasm --enable-threads; the script is then run --runs times (default
// 1000), each run from scratch, and every outcome is checked. So that script
// threads really overlap (thread start-up dwarfs a litmus test's few
// instructions), a thread does its set-up (register, module) and then holds
// its first call until its parent reaches its first `wait`: every start-up
// order is still possible, the calls just begin together. With --tier jit
// every invoked function must have run as native code.
//
// usage: run_multithread WAT2WASM SCRIPT.wast [--runs N] [--tier interp|jit]
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/runtime_impl.h"
#include "wpvm/module_def.h"
#include "wpvm/runtime.h"
#include "wpvm/share.h"

namespace {

using namespace wpvm;

// ---- S-expressions, with the source span of every list ----

struct Node {
  std::string atom;  // empty for a list
  bool is_string = false;
  std::vector<Node> items;
  size_t begin = 0, end = 0;
  bool is_list() const { return atom.empty() && !is_string; }
  const std::string& head() const {
    static const std::string none;
    return !items.empty() ? items[0].atom : none;
  }
};

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}
  std::vector<Node> parse_all() {
    std::vector<Node> out;
    for (skip(); i_ < s_.size(); skip()) out.push_back(parse());
    return out;
  }

 private:
  void skip() {
    for (;;) {
      while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
      if (s_.compare(i_, 2, ";;") == 0) {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (s_.compare(i_, 2, "(;") == 0) {
        size_t e = s_.find(";)", i_);
        i_ = e == std::string::npos ? s_.size() : e + 2;
      } else {
        return;
      }
    }
  }
  Node parse() {
    Node n;
    n.begin = i_;
    if (s_[i_] == '(') {
      ++i_;
      for (skip(); i_ < s_.size() && s_[i_] != ')'; skip()) n.items.push_back(parse());
      ++i_;
    } else if (s_[i_] == '"') {
      n.is_string = true;
      size_t e = i_ + 1;
      while (e < s_.size() && s_[e] != '"') e += s_[e] == '\\' ? 2 : 1;
      n.atom = s_.substr(i_ + 1, e - i_ - 1);
      i_ = e + 1;
    } else {
      size_t e = i_;
      while (e < s_.size() && !std::isspace(static_cast<unsigned char>(s_[e])) && s_[e] != '(' && s_[e] != ')') ++e;
      n.atom = s_.substr(i_, e - i_);
      i_ = e;
    }
    n.end = i_;
    return n;
  }
  const std::string& s_;
  size_t i_ = 0;
};

// ---- modules: assembled once per script ----

struct Assembler {
  std::string wat2wasm, source;
  std::map<size_t, std::shared_ptr<const Module>> cache;  // by source offset
  std::mutex mu;  // script threads assemble their modules concurrently in the first run

  std::shared_ptr<const Module> get(const Node& n, std::string& error) {
    std::lock_guard lock(mu);
    if (auto it = cache.find(n.begin); it != cache.end()) return it->second;
    char wat[] = "/tmp/wpvm-mt-XXXXXX";
    int fd = mkstemp(wat);
    std::string text = source.substr(n.begin, n.end - n.begin);
    if (fd < 0 || write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      error = "cannot write a temporary file";
      return nullptr;
    }
    close(fd);
    std::string wasm = std::string(wat) + ".wasm";
    std::string cmd = wat2wasm + " --enable-threads " + wat + " -o " + wasm;
    int rc = std::system(cmd.c_str());
    std::ifstream in(wasm, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    unlink(wat);
    unlink(wasm.c_str());
    if (rc != 0) {
      error = "wat2wasm failed on the module at offset " + std::to_string(n.begin);
      return nullptr;
    }
    auto m = load_module(bytes);
    if (!m) {
      error = "module does not load: " + m.error().message;
      return nullptr;
    }
    return cache[n.begin] = *m;
  }
};

// ---- one script thread: a store, its names and its registrations ----

struct Failures {
  std::mutex mu;
  std::vector<std::string> list;
  void add(std::string s) {
    std::lock_guard l(mu);
    list.push_back(std::move(s));
  }
};

class Env {
 public:
  Env(const Engine& e, Assembler& a, Failures& f) : store_(e), asm_(a), fail_(f), jit_(e.config().tier == Tier::kJit) {}

  void run(const std::vector<Node>& cmds, size_t first);
  Instance* named(const std::string& n) const {
    auto it = names_.find(n);
    return it == names_.end() ? nullptr : it->second;
  }
  // Makes `source`'s memories (of another store) visible here under `as`.
  void share(const std::string& name, Instance& source) {
    for (auto& [ename, ext] : source.exports())
      if (auto* m = std::get_if<Memory*>(&ext)) {
        auto alias = create_memory_alias(store_, **m, (*m)->type());
        if (alias) shared_[name].emplace_back(ename, *alias);
      }
    shared_names_[name] = true;
  }

 private:
  void command(const Node& c);
  void module(const Node& c);
  void reg(const Node& c);
  void thread(const Node& c);
  std::optional<CallResult> invoke(const Node& action);
  void assert_return(const Node& c);
  static std::optional<Value> value(const Node& v);

  Store store_;
  Linker linker_;
  Assembler& asm_;
  Failures& fail_;
  bool jit_;  // every invoked function must run as native code
  Instance* current_ = nullptr;
  std::map<std::string, Instance*> names_;
  std::map<std::string, std::vector<std::pair<std::string, Memory*>>> shared_;
  std::map<std::string, bool> shared_names_;
  std::map<std::string, std::unique_ptr<Env>> thread_envs_;
  std::map<std::string, std::thread> threads_;
  // Released by this env's first `wait` (or its end); its threads' first
  // calls wait for it. `gate_` is the parent's (nullptr on the main thread).
  std::shared_ptr<std::atomic<bool>> go_ = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<std::atomic<bool>> gate_;
  void pass_gate() {
    if (!gate_) return;
    // Blocked, not spinning: a waiting thread leaves its core to the threads
    // still setting up (there are more threads than cores).
    gate_->wait(false);
    gate_.reset();
  }
};

void Env::run(const std::vector<Node>& cmds, size_t first) {
  for (size_t i = first; i < cmds.size(); ++i) command(cmds[i]);
  go_->store(true);
  go_->notify_all();
  for (auto& [n, t] : threads_)
    if (t.joinable()) t.join();
}

void Env::command(const Node& c) {
  const std::string& h = c.head();
  if (h == "module") return module(c);
  if (h == "register") return reg(c);
  if (h == "thread") return thread(c);
  if (h == "wait") {
    go_->store(true);
    go_->notify_all();
    auto it = threads_.find(c.items.at(1).atom);
    if (it == threads_.end()) return fail_.add("wait for an unknown thread");
    if (it->second.joinable()) it->second.join();
    return;
  }
  if (h == "invoke" || h == "assert_return") pass_gate();
  if (h == "invoke") {
    auto r = invoke(c);
    if (r && !r->ok()) fail_.add("invoke trapped: " + r->trap->to_string());
    return;
  }
  if (h == "assert_return") return assert_return(c);
  if (h == "assert_unlinkable") {
    std::string err;
    auto m = asm_.get(c.items.at(1), err);
    if (!m) return fail_.add(err);
    auto inst = store_.instantiate(m, linker_);
    if (inst) fail_.add("assert_unlinkable: module linked");
    else if (inst.error().kind != ErrorKind::kUnlinkable) fail_.add("assert_unlinkable: " + inst.error().message);
    return;
  }
  fail_.add("unsupported command " + h);
}

void Env::module(const Node& c) {
  std::string err;
  auto m = asm_.get(c, err);
  if (!m) return fail_.add(err);
  auto inst = store_.instantiate(m, linker_);
  if (!inst) return fail_.add("module: " + inst.error().message);
  current_ = *inst;
  if (c.items.size() > 1 && c.items[1].atom.starts_with("$")) names_[c.items[1].atom] = *inst;
}

void Env::reg(const Node& c) {
  const std::string& as = c.items.at(1).atom;
  std::string name = c.items.size() > 2 ? c.items[2].atom : "";
  if (!name.empty() && shared_names_.count(name)) {
    for (auto& [ename, mem] : shared_[name]) linker_.define(as, ename, mem);
    return;
  }
  Instance* inst = name.empty() ? current_ : named(name);
  if (!inst) return fail_.add("register of an unknown module");
  linker_.define_instance(as, *inst);
}

void Env::thread(const Node& c) {
  const std::string& name = c.items.at(1).atom;
  auto env = std::make_unique<Env>(store_.engine(), asm_, fail_);
  size_t first = 2;
  for (; first < c.items.size() && c.items[first].head() == "shared"; ++first)
    for (size_t k = 1; k < c.items[first].items.size(); ++k) {
      const Node& sm = c.items[first].items[k];  // (module $M)
      const std::string& m = sm.items.at(1).atom;
      if (Instance* src = named(m)) env->share(m, *src);
      else if (shared_names_.count(m)) env->shared_[m] = shared_[m], env->shared_names_[m] = true;
      else fail_.add("shared module " + m + " unknown");
    }
  env->gate_ = go_;
  Env* e = env.get();
  thread_envs_[name] = std::move(env);
  threads_[name] = std::thread([e, &c, first] { e->run(c.items, first); });
}

std::optional<CallResult> Env::invoke(const Node& a) {
  size_t i = 1;
  Instance* inst = current_;
  if (a.items.at(i).atom.starts_with("$")) inst = named(a.items[i++].atom);
  if (!inst) {
    fail_.add("invoke without a module");
    return std::nullopt;
  }
  const std::string& name = a.items.at(i).atom;
  Func* f = inst->func(name);
  if (!f) {
    fail_.add("no export " + name);
    return std::nullopt;
  }
  std::vector<Value> args;
  for (++i; i < a.items.size(); ++i)
    if (auto v = value(a.items[i])) args.push_back(*v);
  CallResult r = store_.call(f, args);
  if (jit_ && static_cast<FuncImpl*>(f)->native == nullptr) fail_.add(name + " did not run as native code");
  return r;
}

std::optional<Value> Env::value(const Node& v) {
  const std::string& h = v.head();
  if (v.items.size() < 2) return std::nullopt;
  long long n = std::stoll(v.items[1].atom, nullptr, 0);
  if (h == "i32.const") return Value::from_i32(static_cast<uint32_t>(n));
  if (h == "i64.const") return Value::from_i64(static_cast<uint64_t>(n));
  return std::nullopt;
}

void Env::assert_return(const Node& c) {
  auto r = invoke(c.items.at(1));
  if (!r) return;
  if (!r->ok()) return fail_.add("assert_return trapped: " + r->trap->to_string());
  std::vector<std::vector<Value>> allowed(1);
  for (size_t i = 2; i < c.items.size(); ++i) {
    if (c.items[i].head() == "either") {
      for (size_t k = 1; k < c.items[i].items.size(); ++k) allowed.push_back({*value(c.items[i].items[k])});
      allowed.erase(allowed.begin());
    } else {
      allowed[0].push_back(*value(c.items[i]));
    }
  }
  for (const auto& want : allowed) {
    bool same = want.size() == r->values.size();
    for (size_t k = 0; same && k < want.size(); ++k) same = want[k].i64 == r->values[k].i64 || 
        (want[k].type == ValType::kI32 && want[k].i32 == r->values[k].i32);
    if (same) return;
  }
  std::string got;
  for (const Value& v : r->values) got += v.to_string() + " ";
  fail_.add("assert_return at offset " + std::to_string(c.begin) + ": got " + got);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: run_multithread WAT2WASM SCRIPT.wast [--runs N] [--tier interp|jit]\n";
    return 2;
  }
  int runs = 1000;
  EngineConfig config{.tier = Tier::kInterp};
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string opt = argv[i], val = argv[i + 1];
    if (opt == "--runs") runs = std::atoi(val.c_str());
    else if (opt == "--tier") config.tier = val == "jit" ? Tier::kJit : Tier::kInterp;
  }
  std::ifstream in(argv[2]);
  if (!in) {
    std::cerr << "cannot read " << argv[2] << "\n";
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  Assembler as;
  as.wat2wasm = argv[1];
  as.source = ss.str();
  std::vector<Node> cmds = Parser(as.source).parse_all();
  Engine engine(config);
  for (int run = 0; run < runs; ++run) {
    Failures f;
    {
      Env env(engine, as, f);
      env.run(cmds, 0);
    }
    if (!f.list.empty()) {
      for (const auto& s : f.list) std::cerr << argv[2] << ": run " << run << ": " << s << "\n";
      return 1;
    }
  }
  std::cout << argv[2] << ": " << runs << " runs, every outcome allowed\n";
  return 0;
}
