// The line protocol between a script-running child process and its
// supervisor. One record a line:
//   S <index> <line> <command>                       a command starts
//   R <index> <line> <P|F|K> <command>\t<detail>     its outcome (pass/fail/skip)
//   E <message>                                      the script could not run
//   D                                                the script is done
// A start without an outcome tells the supervisor which command killed the child.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "script.h"

namespace wpvm::spec {

enum class RecordKind : uint8_t { kStart, kResult, kError, kDone };

struct Record {
  RecordKind kind = RecordKind::kDone;
  CommandReport report;  // kStart (verdict unused) and kResult
  std::string message;   // kError
};

std::string encode_start(uint32_t index, uint32_t line, std::string_view command);
std::string encode_result(const CommandReport& report);
std::string encode_error(std::string_view message);
std::string encode_done();

// Parses one line (without its '\n'); nullopt if it is not a record.
std::optional<Record> decode_record(std::string_view line);

}  // namespace wpvm::spec
