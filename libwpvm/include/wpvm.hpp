// wpvm's C++ API in one include (C++17 or later): load modules, instantiate
// them in a store, call functions, host functions, WASI and wasi-threads,
// wasi-parallel, compiled modules on disk. Link with libwpvm
// (`pkg-config --cflags --libs wpvm`, or dependency('wpvm') in meson).
#pragma once
#include "wpvm/jit.h"
#include "wpvm/module.h"
#include "wpvm/parallel.h"
#include "wpvm/result.h"
#include "wpvm/runtime.h"
#include "wpvm/serialize.h"
#include "wpvm/span.h"
#include "wpvm/trap.h"
#include "wpvm/types.h"
#include "wpvm/wasi.h"
#include "wpvm/wasi_threads.h"
