// wpvm_parallel_config_t and the device list.
#include "wpvm_parallel.h"

#include <memory>
#include <new>

#include "wpvm_error.h"

namespace {

// A C log callback and its environment; the finalizer runs when the last
// copy of the ParallelConfig::log holding it is gone.
struct LogTarget {
  wpvm_log_callback_t log;
  void* env;
  void (*finalizer)(void*);
  ~LogTarget() {
    if (finalizer) finalizer(env);
  }
};

template <class F>
wpvm_error_t* with_config(wpvm_parallel_config_t* config, const char* fn, F f) {
  if (!config) return capi::new_error(std::string(fn) + ": no config");
  try {
    return f(config->config);
  } catch (const std::bad_alloc&) {
    return capi::new_error(std::string(fn) + ": out of memory");
  }
}

}  // namespace

wpvm_parallel_config_t* wpvm_parallel_config_new(void) { return new (std::nothrow) wpvm_parallel_config_t; }

void wpvm_parallel_config_delete(wpvm_parallel_config_t* config) { delete config; }

wpvm_error_t* wpvm_parallel_config_set_cpu_threads(wpvm_parallel_config_t* config, uint32_t threads) {
  return with_config(config, "wpvm_parallel_config_set_cpu_threads", [&](wpvm::ParallelConfig& c) -> wpvm_error_t* {
    c.cpu_threads = threads;
    return nullptr;
  });
}

wpvm_error_t* wpvm_parallel_config_set_gpu(wpvm_parallel_config_t* config, const char* selector) {
  return with_config(config, "wpvm_parallel_config_set_gpu", [&](wpvm::ParallelConfig& c) -> wpvm_error_t* {
    if (!selector || !*selector) return capi::new_error("wpvm_parallel_config_set_gpu: no selector");
    c.gpu = selector;
    return nullptr;
  });
}

wpvm_error_t* wpvm_parallel_config_set_verbose(wpvm_parallel_config_t* config, bool verbose) {
  return with_config(config, "wpvm_parallel_config_set_verbose", [&](wpvm::ParallelConfig& c) -> wpvm_error_t* {
    c.verbose = verbose;
    return nullptr;
  });
}

wpvm_error_t* wpvm_parallel_config_set_log(wpvm_parallel_config_t* config, wpvm_log_callback_t log, void* env,
                                           void (*finalizer)(void*)) {
  if (!config) {
    if (finalizer) finalizer(env);  // it is given up: nothing will call it
    return capi::new_error("wpvm_parallel_config_set_log: no config");
  }
  if (!log) {
    if (finalizer) finalizer(env);
    config->config.log = nullptr;  // the default: stderr
    return nullptr;
  }
  std::shared_ptr<LogTarget> target(new (std::nothrow) LogTarget{log, env, finalizer});
  if (!target) {
    if (finalizer) finalizer(env);
    return capi::new_error("wpvm_parallel_config_set_log: out of memory");
  }
  return with_config(config, "wpvm_parallel_config_set_log", [&](wpvm::ParallelConfig& c) -> wpvm_error_t* {
    c.log = [target](std::string_view line) { target->log(target->env, line.data(), line.size()); };
    return nullptr;
  });
}

void wpvm_name_vec_delete(wpvm_name_vec_t* vec) {
  if (!vec) return;
  for (size_t i = 0; vec->data && i < vec->size; ++i) wasm_byte_vec_delete(&vec->data[i]);
  delete[] vec->data;
  *vec = wpvm_name_vec_t{0, nullptr};
}

wpvm_error_t* wpvm_parallel_devices(const wpvm_parallel_config_t* config, wpvm_name_vec_t* out) {
  if (!out) return capi::new_error("wpvm_parallel_devices: no out");
  *out = wpvm_name_vec_t{0, nullptr};
  try {
    auto parallel = wpvm::Parallel::create(config ? config->config : wpvm::ParallelConfig{});
    if (!parallel) return capi::new_error("wpvm_parallel_devices", parallel.error());
    std::vector<std::string> lines = (*parallel)->describe_devices();
    out->data = new wasm_name_t[lines.size()]();
    out->size = lines.size();
    for (size_t i = 0; i < lines.size(); ++i) {
      wasm_byte_vec_new(&out->data[i], lines[i].size(), lines[i].data());
      if (out->data[i].size != lines[i].size()) throw std::bad_alloc();
    }
    return nullptr;
  } catch (const std::bad_alloc&) {
    wpvm_name_vec_delete(out);
    return capi::new_error("wpvm_parallel_devices: out of memory");
  }
}
