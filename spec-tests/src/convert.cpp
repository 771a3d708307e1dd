// Runs wast2json (as a child process, without a shell) into the work folder.
#include "convert.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <system_error>
#include <vector>

extern char** environ;

namespace wpvm::spec {
namespace {

namespace fs = std::filesystem;

Error io_error(std::string message) { return make_error(ErrorKind::kIo, kNoOffset, std::move(message)); }

bool up_to_date(const fs::path& json, const fs::path& wast) {
  std::error_code ec;
  const auto json_time = fs::last_write_time(json, ec);
  if (ec) return false;
  const auto wast_time = fs::last_write_time(wast, ec);
  return !ec && json_time >= wast_time;
}

// Runs argv[0] with argv; returns its exit status, or -1 if it could not run.
int run_program(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

Result<fs::path> convert_wast(const fs::path& wast2json, const fs::path& wast, const fs::path& out_dir) {
  const std::string stem = wast.stem().string();
  const fs::path json = out_dir / (stem + ".json");
  if (up_to_date(json, wast)) return json;

  std::error_code ec;
  fs::create_directories(out_dir.parent_path(), ec);
  const fs::path tmp = out_dir.parent_path() / (stem + ".tmp." + std::to_string(getpid()));
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return io_error("cannot create " + tmp.string() + ": " + ec.message());

  const int status = run_program({wast2json.string(), "--enable-threads", wast.string(), "-o",
                                  (tmp / (stem + ".json")).string()});
  if (status != 0) {
    fs::remove_all(tmp, ec);
    return io_error("wast2json failed on " + wast.string() +
                    (status < 0 ? " (could not run " + wast2json.string() + ")" : " (exit " + std::to_string(status) + ")"));
  }
  // Replace a stale conversion; if another runner finished first, use its result.
  fs::rename(tmp, out_dir, ec);
  if (ec) {
    if (!up_to_date(json, wast)) {
      fs::remove_all(out_dir, ec);
      fs::rename(tmp, out_dir, ec);
      if (ec) return io_error("cannot move " + tmp.string() + " to " + out_dir.string() + ": " + ec.message());
    }
    fs::remove_all(tmp, ec);
  }
  return json;
}

}  // namespace wpvm::spec
