// Trap texts expanded from trap.def (header-only use: no engine code needed).
#include "traps.h"

namespace wpvm::spec {
namespace {

struct TrapName {
  TrapKind kind;
  std::string_view text;
};

constexpr TrapName kTrapNames[] = {
#define WPVM_TRAP(name, text) {TrapKind::k##name, text},
#include "wpvm/trap.def"
#undef WPVM_TRAP
};

}  // namespace

std::string_view trap_kind_text(TrapKind kind) {
  for (const auto& t : kTrapNames)
    if (t.kind == kind) return t.text;
  return "unknown trap";
}

std::optional<TrapKind> trap_kind_for_text(std::string_view expected) {
  const TrapName* best = nullptr;
  for (const auto& t : kTrapNames) {
    if (!expected.starts_with(t.text)) continue;
    // Whole words only: "unreachable" must not match "unreachable2".
    if (expected.size() > t.text.size() && expected[t.text.size()] != ' ') continue;
    if (!best || t.text.size() > best->text.size()) best = &t;
  }
  if (!best) return std::nullopt;
  return best->kind;
}

std::string describe_trap(const Trap& trap) {
  std::string s(trap_kind_text(trap.kind));
  if (!trap.message.empty()) s += " (" + trap.message + ")";
  return s;
}

}  // namespace wpvm::spec
