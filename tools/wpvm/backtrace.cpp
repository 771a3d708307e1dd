#include "backtrace.h"

#include <sstream>

namespace wpvm::cli {

std::string with_thousands(size_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

namespace {

constexpr size_t kMaxPeriod = 8;
constexpr size_t kMinRepeats = 3;  // fewer repeats are printed as they are

bool same_frame(const Frame& a, const Frame& b) {
  return a.func_index == b.func_index && a.instance == b.instance && a.module_offset == b.module_offset;
}

// How many times frames[i, i+period) occurs back to back from i.
size_t repeats_at(const std::vector<Frame>& frames, size_t i, size_t period) {
  size_t n = 1;
  while (i + (n + 1) * period <= frames.size()) {
    for (size_t k = 0; k < period; ++k)
      if (!same_frame(frames[i + k], frames[i + n * period + k])) return n;
    ++n;
  }
  return n;
}

struct Line {
  std::string text;
  size_t frames;  // how many frames the line stands for
};

}  // namespace

std::vector<std::string> format_backtrace(const std::vector<Frame>& frames,
                                          const std::function<std::string(const Frame&)>& name_of) {
  auto frame_line = [&](size_t i) {
    const Frame& f = frames[i];
    std::ostringstream s;
    s << "  " << i << ": func[" << f.func_index << "]";
    std::string name = f.name.empty() ? name_of(f) : f.name;
    if (!name.empty()) s << " " << name;
    // The instruction's byte offset in the module, then from the function's body.
    if (f.module_offset != kNoOffset)
      s << " at 0x" << std::hex << f.module_offset << " (func+0x" << f.func_offset << ")";
    return s.str();
  };
  std::vector<Line> lines;
  for (size_t i = 0; i < frames.size();) {
    size_t best_period = 0, best_repeats = 0;
    for (size_t p = 1; p <= kMaxPeriod && i + p * kMinRepeats <= frames.size(); ++p) {
      size_t r = repeats_at(frames, i, p);
      if (r >= kMinRepeats && p * r > best_period * best_repeats) best_period = p, best_repeats = r;
    }
    if (best_period == 0) {
      lines.push_back({frame_line(i), 1});
      ++i;
      continue;
    }
    for (size_t k = 0; k < best_period; ++k) lines.push_back({frame_line(i + k), 1});
    size_t more = best_period * (best_repeats - 1);
    std::string what = best_period == 1 ? "the frame above" : "the " + std::to_string(best_period) + " above";
    lines.push_back({"  ... " + with_thousands(more) + " more frames (" + what + ", repeated)", more});
    i += best_period * best_repeats;
  }
  std::vector<std::string> out;
  if (lines.size() <= kMaxBacktraceLines) {
    for (Line& l : lines) out.push_back(std::move(l.text));
    return out;
  }
  size_t head = (kMaxBacktraceLines - 1) / 2, tail = kMaxBacktraceLines - 1 - head;
  size_t hidden = 0;
  for (size_t i = head; i < lines.size() - tail; ++i) hidden += lines[i].frames;
  for (size_t i = 0; i < head; ++i) out.push_back(std::move(lines[i].text));
  out.push_back("  ... " + with_thousands(hidden) + " more frames");
  for (size_t i = lines.size() - tail; i < lines.size(); ++i) out.push_back(std::move(lines[i].text));
  return out;
}

}  // namespace wpvm::cli
