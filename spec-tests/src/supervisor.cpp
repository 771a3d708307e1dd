// Child processes for scripts: fork, stream records over a pipe, and resume
// after a command that killed the child.
#include "supervisor.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>

#include "channel.h"

namespace wpvm::spec {
namespace {

namespace fs = std::filesystem;

void write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);  // the supervisor is gone
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void child_main(int fd, const fs::path& json, const ScriptOptions& options, unsigned timeout_s,
                             const ResumePlan& plan) {
  if (timeout_s) alarm(timeout_s);
  auto sink = [fd](const CommandReport& r) { write_all(fd, encode_result(r)); };
  auto progress = [fd](uint32_t index, uint32_t line, const std::string& cmd) {
    write_all(fd, encode_start(index, line, cmd));
  };
  auto r = run_script(json, options, sink, progress, plan);
  write_all(fd, r ? encode_done() : encode_error(r.error().message));
  _exit(0);
}

// What one child did.
struct ChildRun {
  bool done = false;
  std::optional<std::string> error;       // the script could not run
  std::optional<CommandReport> unfinished;  // started, never reported: it killed the child
  std::string death;                       // "crashed with signal 11", ...
};

std::string describe_status(int status, unsigned timeout_s) {
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) return "timed out after " + std::to_string(timeout_s) + " s";
  if (WIFSIGNALED(status)) return "crashed with signal " + std::to_string(WTERMSIG(status));
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

// Reads the child's records until it closes the pipe, forwarding outcomes to `sink`.
void read_records(int fd, ChildRun& run, const CommandSink& sink) {
  FILE* in = fdopen(fd, "r");
  if (!in) return;
  char* buf = nullptr;
  size_t cap = 0;
  ssize_t n = 0;
  while ((n = getline(&buf, &cap, in)) > 0) {
    const auto rec = decode_record(std::string_view(buf, static_cast<size_t>(n)).substr(0, static_cast<size_t>(n) - 1));
    if (!rec) continue;
    if (rec->kind == RecordKind::kStart) run.unfinished = rec->report;
    if (rec->kind == RecordKind::kResult) {
      run.unfinished.reset();
      sink(rec->report);
    }
    if (rec->kind == RecordKind::kError) run.error = rec->message;
    if (rec->kind == RecordKind::kDone) run.done = true;
  }
  free(buf);
  fclose(in);
}

ChildRun run_child(const fs::path& json, const ScriptOptions& options, unsigned timeout_s, const ResumePlan& plan,
                   const CommandSink& sink) {
  ChildRun run;
  int fds[2];
  if (pipe(fds) != 0) {
    run.error = "cannot create a pipe";
    return run;
  }
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    child_main(fds[1], json, options, timeout_s, plan);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    run.error = "cannot fork";
    return run;
  }
  read_records(fds[0], run, sink);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  run.death = describe_status(status, timeout_s);
  return run;
}

Error supervisor_error(std::string message) { return make_error(ErrorKind::kIo, kNoOffset, std::move(message)); }

}  // namespace

Result<void> run_supervised(const fs::path& json, const ScriptOptions& options, const SupervisorOptions& supervisor,
                            const CommandSink& sink) {
  ResumePlan plan;
  for (unsigned restarts = 0;; ++restarts) {
    ChildRun run = run_child(json, options, supervisor.timeout_s, plan, sink);
    if (run.done) return {};
    if (run.error) return supervisor_error(*run.error);
    if (!run.unfinished) return supervisor_error("runner " + run.death + " outside any command");
    CommandReport dead = *run.unfinished;
    // A command that passed before but kills the replay has been counted
    // already; the engine is not deterministic there. Skip it too.
    if (dead.index >= plan.report_from) {
      dead.verdict = Verdict::kFail;
      dead.detail = "runner " + run.death + " (the script resumes after this command)";
      sink(dead);
      plan.report_from = dead.index + 1;
    }
    if (restarts == supervisor.max_restarts)
      return supervisor_error("gave up after " + std::to_string(restarts + 1) + " dead runners; the rest of the script did not run");
    plan.skip.push_back(dead.index);
  }
}

}  // namespace wpvm::spec
