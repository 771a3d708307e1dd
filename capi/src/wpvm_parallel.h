// wpvm_parallel_config_t: the options of the wasi-parallel host.
#pragma once
#include "wpvm.h"
#include "wpvm/parallel.h"

struct wpvm_parallel_config_t {
  wpvm::ParallelConfig config;  // log: the C callback, when set
};
