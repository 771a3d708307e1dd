// The SEQUENTIAL device (one worker, iterations in order on the calling
// thread: the oracle the other devices are tested against) and the buffer
// semantics every CPU-style device shares (buffers alias guest memory).
#include <cstring>
#include <mutex>

#include "device.h"

namespace wpvm::parallel {

Errno Device::write_buffer(Buffer& b, Memory&, uint32_t ptr) {
  b.addr = ptr;  // bounds were checked by the caller
  return Errno::kSuccess;
}

Errno Device::read_buffer(const Buffer& b, Memory& mem, uint32_t ptr) {
  if (*b.addr != ptr) std::memmove(mem.data() + ptr, mem.data() + *b.addr, b.size);
  return Errno::kSuccess;
}

namespace {

class SequentialDevice final : public Device {
 public:
  DeviceKind kind() const override { return DeviceKind::kSequential; }
  const char* name() const override { return "sequential"; }
  uint32_t threads() const override { return 1; }

  void exec(const ExecJob& job, JobSink& sink) override {
    std::lock_guard lock(mutex_);  // one worker: callers on several threads take turns
    auto bound = job.bind(worker_, 0);
    if (!bound) return sink.fail(bound.error());
    worker_.run(*bound, job.buffer_args, job.num_iterations, job.block_size, 0, job.num_iterations, sink);
  }

 private:
  std::mutex mutex_;
  Worker worker_;
};

}  // namespace

std::unique_ptr<Device> make_sequential_device() { return std::make_unique<SequentialDevice>(); }

}  // namespace wpvm::parallel
