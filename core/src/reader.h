// Byte reader over a module's bytes: fixed-width values, LEB128 integers,
// names, and the reference interpreter's malformed-binary messages.
//
// Errors are sticky: the first failure is recorded (kind, offset, message),
// the read position jumps to the end, and every later read returns 0. Callers
// read freely and check ok() at convenient points, which keeps the decoders
// free of per-read error plumbing and the hot path free of Result objects.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "wpvm/result.h"

namespace wpvm {

inline constexpr const char* kUnexpectedEnd = "unexpected end";
inline constexpr const char* kUnexpectedEndSection = "unexpected end of section or function";

class Reader {
 public:
  // Reads bytes [begin, end) of the buffer starting at `base`; offsets reported
  // in errors are relative to `base` (the start of the module).
  Reader(const uint8_t* base, size_t begin, size_t end, const char* eof_message = kUnexpectedEndSection)
      : base_(base), pos_(base + begin), end_(base + end), eof_message_(eof_message) {}

  size_t offset() const { return static_cast<size_t>(pos_ - base_); }
  size_t end_offset() const { return static_cast<size_t>(end_ - base_); }
  size_t remaining() const { return static_cast<size_t>(end_ - pos_); }
  bool at_end() const { return pos_ >= end_; }
  bool ok() const { return !failed_; }
  const uint8_t* base() const { return base_; }
  const uint8_t* ptr() const { return pos_; }

  // Records the first error; later calls keep the first one.
  void fail(ErrorKind kind, size_t offset, std::string message) {
    if (failed_) return;
    failed_ = true;
    error_ = make_error(kind, offset, std::move(message));
    pos_ = end_;
  }
  void fail_malformed(size_t offset, std::string message) { fail(ErrorKind::kMalformed, offset, std::move(message)); }
  const Error& error() const { return error_; }
  Error take_error() { return std::move(error_); }

  uint8_t peek() const { return at_end() ? 0 : *pos_; }

  uint8_t u8() {
    if (at_end()) return eof(), 0;
    return *pos_++;
  }

  // Little-endian fixed-width value of `n` bytes (n <= 8).
  uint64_t fixed(size_t n) {
    if (remaining() < n) return eof(), 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(pos_[i]) << (8 * i);
    pos_ += n;
    return v;
  }

  bool skip(size_t n) {
    if (remaining() < n) return eof(), false;
    pos_ += n;
    return true;
  }

  // Unsigned LEB128 of at most `bits` bits: longer encodings are "integer
  // representation too long", set bits beyond `bits` are "integer too large".
  // Signed: the unused bits of the last byte must all equal the sign bit.
  // The one-byte case is inline (always in range), the rest out of line.
  uint64_t leb_u(unsigned bits) {
    if (bits >= 7 && pos_ < end_ && *pos_ < 0x80) return *pos_++;
    return leb_u_long(bits);
  }
  int64_t leb_s(unsigned bits) {
    if (bits >= 7 && pos_ < end_ && *pos_ < 0x80) {
      int64_t b = *pos_++;
      return b >= 0x40 ? b - 0x80 : b;
    }
    return leb_s_long(bits);
  }

  [[gnu::noinline]] uint64_t leb_u_long(unsigned bits) {
    uint64_t result = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (shift >= bits) return fail_malformed(offset(), "integer representation too long"), 0;
      uint8_t b = u8();
      if (failed_) return 0;
      unsigned left = bits - shift;
      if (left < 7 && (b & 0x7f) >= (1u << left)) {
        return fail_malformed(offset() - 1, "integer too large"), 0;
      }
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
    }
  }

  [[gnu::noinline]] int64_t leb_s_long(unsigned bits) {
    uint64_t result = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (shift >= bits) return fail_malformed(offset(), "integer representation too long"), 0;
      uint8_t b = u8();
      if (failed_) return 0;
      unsigned left = bits - shift;
      if (left < 7) {
        uint8_t mask = static_cast<uint8_t>((0x7f << (left - 1)) & 0x7f);
        if ((b & mask) != 0 && (b & mask) != mask) {
          return fail_malformed(offset() - 1, "integer too large"), 0;
        }
      }
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) {
        shift += 7;
        if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
        return static_cast<int64_t>(result);
      }
    }
  }

  uint32_t u32() { return static_cast<uint32_t>(leb_u(32)); }
  int32_t s32() { return static_cast<int32_t>(leb_s(32)); }
  int64_t s64() { return leb_s(64); }
  int64_t s33() { return leb_s(33); }

  // A length or vector count. Like the reference interpreter it must not exceed
  // the bytes left counted from the length's own first byte, which is what
  // separates "length out of bounds" from a later "unexpected end".
  uint32_t count() {
    size_t start = offset();
    uint32_t n = u32();
    if (failed_) return 0;
    if (n > end_offset() - start) return fail_malformed(start, "length out of bounds"), 0;
    return n;
  }

  // A UTF-8 name; returns an empty view on error.
  std::string_view name() {
    uint32_t n = count();
    size_t start = offset();
    if (failed_ || !skip(n)) return {};
    std::string_view s(reinterpret_cast<const char*>(base_ + start), n);
    if (!is_valid_utf8(s)) return fail_malformed(start, "malformed UTF-8 encoding"), std::string_view{};
    return s;
  }

  static bool is_valid_utf8(std::string_view s) {
    size_t i = 0, n = s.size();
    while (i < n) {
      uint8_t c = static_cast<uint8_t>(s[i]);
      if (c < 0x80) { ++i; continue; }
      size_t len;
      uint32_t cp;
      if (c >= 0xc2 && c <= 0xdf) len = 2, cp = c & 0x1f;
      else if (c >= 0xe0 && c <= 0xef) len = 3, cp = c & 0x0f;
      else if (c >= 0xf0 && c <= 0xf4) len = 4, cp = c & 0x07;
      else return false;
      if (n - i < len) return false;
      for (size_t k = 1; k < len; ++k) {
        uint8_t cc = static_cast<uint8_t>(s[i + k]);
        if ((cc & 0xc0) != 0x80) return false;
        cp = (cp << 6) | (cc & 0x3f);
      }
      // Reject overlong forms, surrogates and code points past U+10FFFF.
      if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) return false;
      if (cp >= 0xd800 && cp <= 0xdfff) return false;
      i += len;
    }
    return true;
  }

 private:
  void eof() { fail_malformed(end_offset(), eof_message_); }

  const uint8_t* base_;
  const uint8_t* pos_;
  const uint8_t* end_;
  const char* eof_message_;
  bool failed_ = false;
  Error error_;
};

}  // namespace wpvm
