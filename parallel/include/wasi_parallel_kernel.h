/* wasi_parallel_kernel.h: the kernel side of wasi-parallel: the signature
 * every parallel_exec kernel has, and the block arithmetic kernels share.
 *
 * A kernel file is built without libc (see the contract, section 6) and
 * includes only this header and freestanding ones (stdint.h, stddef.h).
 * Compiled natively, the same file gives an ordinary C function with the
 * name passed to WASI_PARALLEL_KERNEL, so native twins can call the very
 * code the engine runs.
 *
 * What a kernel may rely on (the contract, section 3):
 *  - iterations run in any order, possibly at the same time on several
 *    workers; each worker has its own instance of the kernel module;
 *  - every parallel_exec call starts each worker from the module's initial
 *    globals: nothing carries over from an earlier call;
 *  - locals whose address is taken live on a shadow stack in linear memory
 *    (clang's __stack_pointer): the host gives each worker a stack region
 *    of its own, in pages it appends to the caller's memory, so such
 *    kernels are safe (invalid_kernel when that memory cannot grow);
 *  - a trap in iteration t cancels the iterations above t; the caller traps
 *    with the lowest trapping iteration.
 */
#ifndef WASI_PARALLEL_KERNEL_H
#define WASI_PARALLEL_KERNEL_H

#include <stdint.h>

/* The three leading parameters of every kernel; one (ptr, len) pair per
 * buffer follows, in-buffers first, then out-buffers. `len` is the
 * buffer's size in bytes. */
#define WASI_PARALLEL_KERNEL_PARAMS \
  uint32_t iteration_id, uint32_t num_iterations, uint32_t block_size

#if defined(__wasm__)
/* One kernel per module, exported as "kernel"; `name` only serves the
 * native build. */
#define WASI_PARALLEL_KERNEL(name, ...) \
  __attribute__((export_name("kernel"))) void kernel(WASI_PARALLEL_KERNEL_PARAMS, __VA_ARGS__)
/* A declaration for native callers. In a Wasm build it declares nothing
 * (a tag, so the trailing semicolon stays valid): a guest main program that
 * shares a kernels header must not see several prototypes of `kernel`. */
#define WASI_PARALLEL_KERNEL_DECL(name, ...) struct wasi_parallel_kernel_decl_##name
#else
#ifdef __cplusplus
#define WASI_PARALLEL_EXTERN_C extern "C"
#else
#define WASI_PARALLEL_EXTERN_C
#endif
#define WASI_PARALLEL_KERNEL(name, ...) \
  WASI_PARALLEL_EXTERN_C void name(WASI_PARALLEL_KERNEL_PARAMS, __VA_ARGS__)
#define WASI_PARALLEL_KERNEL_DECL(name, ...) WASI_PARALLEL_KERNEL(name, __VA_ARGS__)
#endif

/* First element of this iteration's block [begin, end) over `total`
 * elements. Both clamp, so a last, partial block is safe. */
static inline uint32_t wasi_parallel_block_begin(uint32_t iteration_id, uint32_t block_size,
                                                 uint32_t total) {
  uint64_t begin = (uint64_t)iteration_id * block_size;
  return begin < total ? (uint32_t)begin : total;
}

static inline uint32_t wasi_parallel_block_end(uint32_t iteration_id, uint32_t block_size,
                                               uint32_t total) {
  uint64_t end = ((uint64_t)iteration_id + 1) * block_size;
  return end < total ? (uint32_t)end : total;
}

#endif /* WASI_PARALLEL_KERNEL_H */
