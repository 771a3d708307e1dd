// Encoding and decoding of the child -> supervisor records.
#include "channel.h"

#include <charconv>

namespace wpvm::spec {
namespace {

// Details and messages must stay on one line and keep the tab free.
std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

// Command names are single words.
std::string word(std::string_view s) {
  std::string out = one_line(s);
  for (char& c : out)
    if (c == ' ') c = '_';
  return out.empty() ? "?" : out;
}

char verdict_char(Verdict v) { return v == Verdict::kPass ? 'P' : v == Verdict::kFail ? 'F' : 'K'; }

std::optional<Verdict> verdict_of(char c) {
  if (c == 'P') return Verdict::kPass;
  if (c == 'F') return Verdict::kFail;
  if (c == 'K') return Verdict::kSkip;
  return std::nullopt;
}

// Reads "<number> " from the front of s.
bool take_number(std::string_view& s, uint32_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || end == s.data() + s.size() || *end != ' ') return false;
  s.remove_prefix(static_cast<size_t>(end - s.data()) + 1);
  return true;
}

}  // namespace

std::string encode_start(uint32_t index, uint32_t line, std::string_view command) {
  return "S " + std::to_string(index) + " " + std::to_string(line) + " " + word(command) + "\n";
}

std::string encode_result(const CommandReport& r) {
  return "R " + std::to_string(r.index) + " " + std::to_string(r.line) + " " + verdict_char(r.verdict) + " " +
         word(r.command) + "\t" + one_line(r.detail) + "\n";
}

std::string encode_error(std::string_view message) { return "E " + one_line(message) + "\n"; }
std::string encode_done() { return "D\n"; }

std::optional<Record> decode_record(std::string_view s) {
  if (s == "D") return Record{RecordKind::kDone, {}, {}};
  if (s.size() < 2 || s[1] != ' ') return std::nullopt;
  const char kind = s[0];
  s.remove_prefix(2);
  if (kind == 'E') return Record{RecordKind::kError, {}, std::string(s)};
  Record r;
  if (!take_number(s, r.report.index) || !take_number(s, r.report.line)) return std::nullopt;
  if (kind == 'S') {
    if (s.empty()) return std::nullopt;
    r.kind = RecordKind::kStart;
    r.report.command = std::string(s);
    return r;
  }
  if (kind != 'R' || s.size() < 3 || s[1] != ' ') return std::nullopt;
  const auto verdict = verdict_of(s[0]);
  const auto tab = s.find('\t');
  if (!verdict || tab == std::string_view::npos || tab <= 2) return std::nullopt;
  r.kind = RecordKind::kResult;
  r.report.verdict = *verdict;
  r.report.command = std::string(s.substr(2, tab - 2));
  r.report.detail = std::string(s.substr(tab + 1));
  return r;
}

}  // namespace wpvm::spec
