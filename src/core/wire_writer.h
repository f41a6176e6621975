// Protocol Buffers wire format written straight from the workspace's columns
// into one reusable buffer, for the records of snapshots and exports: no
// message objects are built, filled and destroyed per record. Fields follow
// proto3's rules as protobuf's own serializer applies them (a field of
// implicit presence is left out at its default, an `optional` one is written
// whenever present), so the bytes are those of protobuf's deterministic
// serialization; workspace_test checks that on every record kind.
#ifndef MITRA_SRC_CORE_WIRE_WRITER_H_
#define MITRA_SRC_CORE_WIRE_WRITER_H_

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/copy_bytes.h"

namespace mitra {

class WireWriter {
 public:
  // The bytes written since the last Clear.
  std::string_view bytes() const { return std::string_view(buf_.data(), n_); }
  size_t size() const { return n_; }
  // Starts again, keeping the buffer.
  void Clear() { n_ = 0; }

  // A nested message (a record of a Batch, a map entry): Open writes its tag
  // and returns where its body starts; Close, after the fields, writes the
  // body's length. One length byte is reserved, enough for a body under
  // 128 bytes (most records); a longer body is moved up to make room.
  size_t Open(uint32_t field) {
    char* const base = Room(16);
    char* p = PutTag(base + n_, field, kLengthDelimited);
    *p++ = 0;
    return n_ = static_cast<size_t>(p - base);
  }
  void Close(size_t body) {
    const size_t len = n_ - body;
    if (len < 0x80) {
      buf_[body - 1] = static_cast<char>(len);
      return;
    }
    const size_t extra = VarintSize(len) - 1;
    char* const base = Room(extra);
    std::memmove(base + body + extra, base + body, len);
    PutVarint(base + body - 1, len);
    n_ = body + extra + len;
  }

  // proto3 implicit presence: nothing at the default.
  void String(uint32_t field, std::string_view s) {
    if (!s.empty()) Bytes(field, s);
  }
  void Int64(uint32_t field, int64_t v) {
    if (v != 0) OptionalInt64(field, v);
  }
  void Enum(uint32_t field, int v) {
    if (v != 0) OptionalInt64(field, v);
  }
  void Bool(uint32_t field, bool v) {
    if (v) OptionalInt64(field, 1);
  }
  void Double(uint32_t field, double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    if (bits != 0) OptionalDouble(field, v);  // -0.0 is written, as protobuf does
  }

  // Written whatever the value: `optional` fields that are present, map
  // entries' keys and values, items of repeated fields.
  void Bytes(uint32_t field, std::string_view s) {
    char* const base = Room(16 + s.size());
    char* p = PutVarint(PutTag(base + n_, field, kLengthDelimited), s.size());
    CopyBytes(p, s.data(), s.size());
    n_ = static_cast<size_t>(p + s.size() - base);
  }
  void OptionalInt64(uint32_t field, int64_t v) {
    char* const base = Room(16);
    // Negative: ten bytes, as int64 and int32 are.
    n_ = static_cast<size_t>(PutVarint(PutTag(base + n_, field, kVarint), static_cast<uint64_t>(v)) -
                             base);
  }
  void OptionalDouble(uint32_t field, double v) {
    char* const base = Room(16);
    char* p = PutTag(base + n_, field, kFixed64);
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(p, &bits, sizeof bits);
    } else {
      for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(bits >> (8 * i));
    }
    n_ = static_cast<size_t>(p + 8 - base);
  }

 private:
  static constexpr uint32_t kVarint = 0, kFixed64 = 1, kLengthDelimited = 2;

  static size_t VarintSize(uint64_t v) {
    size_t k = 1;
    while (v >= 0x80) v >>= 7, ++k;
    return k;
  }
  // At least `k` writable bytes past the end (the buffer only grows); the
  // buffer's start. The writers below go through local pointers from it:
  // stores of chars through the buffer may alias any member, so writing
  // through buf_ and n_ would reload both after every byte.
  char* Room(size_t k) {
    if (buf_.size() - n_ < k) buf_.resize(std::max(buf_.size() * 2, n_ + k));
    return buf_.data();
  }
  static char* PutTag(char* p, uint32_t field, uint32_t type) {
    return PutVarint(p, uint64_t{field} << 3 | type);
  }
  static char* PutVarint(char* p, uint64_t v) {
    while (v >= 0x80) {
      *p++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
    return p;
  }

  std::string buf_;
  size_t n_ = 0;
};

}  // namespace mitra

#endif  // MITRA_SRC_CORE_WIRE_WRITER_H_
