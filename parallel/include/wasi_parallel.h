/* wasi_parallel.h: the guest-side C interface to wasi-parallel as wpvm
 * implements it (module "wasi_ephemeral_parallel"): the six imports, the
 * enums, the errno names and small typed helpers for guest main programs.
 *
 * The constants are plain C and usable on any target (a host may check its
 * own tables against them); the imports and helpers exist only when
 * compiling for WebAssembly. Kernel modules include wasi_parallel_kernel.h
 * instead.
 */
#ifndef WASI_PARALLEL_H
#define WASI_PARALLEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t wasi_parallel_errno_t;
/* Handles are opaque: never assume they are small, positive or sequential. */
typedef uint32_t wasi_parallel_device_t;
typedef uint32_t wasi_parallel_buffer_t;

/* device_kind of the current generation (parallel_exec programs). */
typedef enum wasi_parallel_device_kind {
  WASI_PARALLEL_DEVICE_SEQUENTIAL = 0,
  WASI_PARALLEL_DEVICE_CPU = 1,
  WASI_PARALLEL_DEVICE_DISCRETE_GPU = 2,
  WASI_PARALLEL_DEVICE_INTEGRATED_GPU = 3,
} wasi_parallel_device_kind_t;

/* device_kind of the 2021 generation. The host reads get_device hints with
 * this enum only in a module that imports parallel_for, so a program uses
 * one of the two enums, never both. */
typedef enum wasi_parallel_device_kind_2021 {
  WASI_PARALLEL_2021_DEVICE_CPU = 0,
  WASI_PARALLEL_2021_DEVICE_DISCRETE_GPU = 1,
  WASI_PARALLEL_2021_DEVICE_INTEGRATED_GPU = 2,
} wasi_parallel_device_kind_2021_t;

typedef enum wasi_parallel_buffer_access {
  WASI_PARALLEL_ACCESS_READ = 0,
  WASI_PARALLEL_ACCESS_WRITE = 1,
  WASI_PARALLEL_ACCESS_READ_WRITE = 2,
} wasi_parallel_buffer_access_t;

/* The proposal defines only success; the others are wpvm's (see the
 * contract, "Errors"; the host explains each on stderr with
 * `wpvm run --parallel-verbose`). */
enum {
  WASI_PARALLEL_SUCCESS = 0,
  /* invalid_argument: an unknown access kind; a length that differs from the
   * buffer's size; a buffer that was never written (passed to a kernel or
   * read back); two distinct buffers of one call whose memory regions
   * overlap; num_iterations * block_size beyond 32 bits; a call made from
   * inside a kernel (nested parallel calls are not supported). */
  WASI_PARALLEL_EINVAL = 1,
  WASI_PARALLEL_EBADHANDLE = 2,    /* invalid_handle: unknown handle, buffer of another device */
  WASI_PARALLEL_EOUTOFBOUNDS = 3,  /* out_of_bounds: a pointer/length outside memory */
  /* invalid_kernel: bytes that do not decode or validate, a kernel rule
   * broken (see wasi_parallel_kernel.h), no room for the workers' stacks. */
  WASI_PARALLEL_EKERNEL = 4,
  WASI_PARALLEL_EDEVICE = 5,       /* device_error: the device failed */
  WASI_PARALLEL_ENOMEM = 6,        /* out_of_memory: the device cannot hold the buffer */
};

static inline const char *wasi_parallel_strerror(wasi_parallel_errno_t e) {
  switch (e) {
    case WASI_PARALLEL_SUCCESS: return "success";
    case WASI_PARALLEL_EINVAL: return "invalid_argument";
    case WASI_PARALLEL_EBADHANDLE: return "invalid_handle";
    case WASI_PARALLEL_EOUTOFBOUNDS: return "out_of_bounds";
    case WASI_PARALLEL_EKERNEL: return "invalid_kernel";
    case WASI_PARALLEL_EDEVICE: return "device_error";
    case WASI_PARALLEL_ENOMEM: return "out_of_memory";
    default: return "unknown errno";
  }
}

static inline const char *wasi_parallel_device_kind_name(uint32_t kind) {
  switch (kind) {
    case WASI_PARALLEL_DEVICE_SEQUENTIAL: return "sequential";
    case WASI_PARALLEL_DEVICE_CPU: return "cpu";
    case WASI_PARALLEL_DEVICE_DISCRETE_GPU: return "discrete_gpu";
    case WASI_PARALLEL_DEVICE_INTEGRATED_GPU: return "integrated_gpu";
    default: return "unknown";
  }
}

#if defined(__wasm__)

#define WASI_PARALLEL_IMPORT(name) \
  __attribute__((import_module("wasi_ephemeral_parallel"), import_name(#name)))

/* Raw imports. Every parameter is an i32; handles come back through the
 * trailing out-pointer. Only the functions a program calls end up in its
 * import section. */
WASI_PARALLEL_IMPORT(get_device)
wasi_parallel_errno_t wasi_parallel_get_device(uint32_t hint, wasi_parallel_device_t *out_device);

WASI_PARALLEL_IMPORT(create_buffer)
wasi_parallel_errno_t wasi_parallel_create_buffer(wasi_parallel_device_t device, uint32_t size_bytes,
                                                  uint32_t access_kind, wasi_parallel_buffer_t *out_buffer);

WASI_PARALLEL_IMPORT(write_buffer)
wasi_parallel_errno_t wasi_parallel_write_buffer(const void *data, uint32_t data_len,
                                                 wasi_parallel_buffer_t buffer);

WASI_PARALLEL_IMPORT(read_buffer)
wasi_parallel_errno_t wasi_parallel_read_buffer(wasi_parallel_buffer_t buffer, void *data,
                                                uint32_t data_len);

WASI_PARALLEL_IMPORT(parallel_exec)
wasi_parallel_errno_t wasi_parallel_parallel_exec(wasi_parallel_device_t device, const void *kernel,
                                                  uint32_t kernel_len, uint32_t num_iterations,
                                                  uint32_t block_size,
                                                  const wasi_parallel_buffer_t *in_buffers, uint32_t in_count,
                                                  const wasi_parallel_buffer_t *out_buffers, uint32_t out_count);

/* 2021 generation: importing this (i.e. calling it) switches the meaning of
 * get_device hints to wasi_parallel_device_kind_2021_t. */
WASI_PARALLEL_IMPORT(parallel_for)
wasi_parallel_errno_t wasi_parallel_parallel_for(uint32_t kernel_table_index, uint32_t num_threads,
                                                 uint32_t block_size,
                                                 const wasi_parallel_buffer_t *in_buffers, uint32_t in_count,
                                                 const wasi_parallel_buffer_t *out_buffers, uint32_t out_count);

#undef WASI_PARALLEL_IMPORT

/* Helpers. They return the first errno that is not success. */

/* A kernel module's bytes, as embedded by tools/embed_wasm.py. */
typedef struct wasi_parallel_kernel {
  const unsigned char *bytes;
  uint32_t len;
} wasi_parallel_kernel_t;

/* create_buffer of exactly `size` bytes, then write_buffer from `data`:
 * the usual way to hand a region of guest memory to a device. On CPU
 * devices the buffer then aliases `data`. */
static inline wasi_parallel_errno_t wasi_parallel_buffer_from(wasi_parallel_device_t device, void *data,
                                                              uint32_t size, uint32_t access_kind,
                                                              wasi_parallel_buffer_t *out_buffer) {
  wasi_parallel_errno_t e = wasi_parallel_create_buffer(device, size, access_kind, out_buffer);
  if (e != WASI_PARALLEL_SUCCESS) return e;
  return wasi_parallel_write_buffer(data, size, *out_buffer);
}

/* parallel_exec over the kernel with arrays of in- and out-buffers; the
 * counts are the arrays' lengths (either may be 0 with a NULL array). */
static inline wasi_parallel_errno_t wasi_parallel_exec(wasi_parallel_device_t device,
                                                       wasi_parallel_kernel_t kernel,
                                                       uint32_t num_iterations, uint32_t block_size,
                                                       const wasi_parallel_buffer_t *in_buffers, uint32_t in_count,
                                                       const wasi_parallel_buffer_t *out_buffers, uint32_t out_count) {
  return wasi_parallel_parallel_exec(device, kernel.bytes, kernel.len, num_iterations, block_size,
                                     in_buffers, in_count, out_buffers, out_count);
}

/* Iterations needed to cover `total` elements in blocks of `block_size`. */
static inline uint32_t wasi_parallel_iterations_for(uint32_t total, uint32_t block_size) {
  return block_size == 0 ? 0 : (total + block_size - 1) / block_size;
}

#endif /* __wasm__ */

#ifdef __cplusplus
}
#endif

#endif /* WASI_PARALLEL_H */
