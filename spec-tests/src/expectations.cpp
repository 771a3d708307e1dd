// Parsing and matching of the spec-test expectation list.
#include "expectations.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace wpvm::spec {
namespace {

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

Error list_error(uint32_t line, std::string message) {
  return make_error(ErrorKind::kUsage, kNoOffset, "expectation list line " + std::to_string(line) + ": " + message);
}

Result<Expectation> parse_entry(std::string_view line, uint32_t list_line) {
  const auto ws = line.find_first_of(" \t");
  const std::string_view key = line.substr(0, ws);
  const std::string_view reason = ws == std::string_view::npos ? std::string_view{} : trim(line.substr(ws));
  const auto colon = key.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return list_error(list_line, "expected FILE.wast:LINE or FILE.wast:*");
  if (reason.empty()) return list_error(list_line, "missing reason");
  Expectation e{std::string(key.substr(0, colon)), std::nullopt, std::string(reason), list_line, {}};
  for (std::string_view tier : {"interp", "jit"}) {
    const std::string tag = "[" + std::string(tier) + "]";
    if (!reason.starts_with(tag)) continue;
    e.tier = tier;
    if (trim(reason.substr(tag.size())).empty()) return list_error(list_line, "missing reason");
  }
  const std::string_view where = key.substr(colon + 1);
  if (where != "*") {
    uint32_t n = 0;
    auto [end, ec] = std::from_chars(where.data(), where.data() + where.size(), n);
    if (ec != std::errc{} || end != where.data() + where.size() || n == 0)
      return list_error(list_line, "bad line number '" + std::string(where) + "'");
    e.line = n;
  }
  return e;
}

}  // namespace

bool expectation_matches_file(const Expectation& e, std::string_view file) {
  if (e.file == file) return true;
  if (e.file.find('/') != std::string::npos) return false;
  const auto slash = file.rfind('/');
  return slash != std::string_view::npos && file.substr(slash + 1) == e.file;
}

Result<ExpectationList> ExpectationList::parse(std::string_view text) {
  ExpectationList list;
  uint32_t line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    auto e = parse_entry(line, line_no);
    if (!e) return e.error();
    list.entries_.push_back(std::move(*e));
  }
  return list;
}

Result<ExpectationList> ExpectationList::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::kIo, kNoOffset, "cannot read expectation list " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str());
}

std::vector<const Expectation*> ExpectationList::for_file(std::string_view file, std::string_view tier) const {
  std::vector<const Expectation*> out;
  for (const auto& e : entries_)
    if (expectation_matches_file(e, file) && (e.tier.empty() || e.tier == tier)) out.push_back(&e);
  return out;
}

FileExpectations::FileExpectations(const ExpectationList& list, std::string_view file, std::string_view tier) {
  for (const Expectation* e : list.for_file(file, tier)) entries_.push_back({e});
}

const Expectation* FileExpectations::record_failure(uint32_t line) {
  ++failures_;
  Tracked* whole_file = nullptr;
  for (auto& t : entries_) {
    if (t.entry->line == line) {
      ++t.hits;
      return t.entry;
    }
    if (!t.entry->line && !whole_file) whole_file = &t;
  }
  if (!whole_file) return nullptr;
  ++whole_file->hits;
  return whole_file->entry;
}

std::vector<const Expectation*> FileExpectations::unexpected_passes() const {
  std::vector<const Expectation*> out;
  for (const auto& t : entries_) {
    const bool stale = t.entry->line ? t.hits == 0 : failures_ == 0;
    if (stale) out.push_back(t.entry);
  }
  return out;
}

}  // namespace wpvm::spec
