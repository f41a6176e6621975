#include "stdout_buffer.h"

#include <unistd.h>

#include <iostream>
#include <string_view>

#include "mitra/core/file_io.h"

namespace mitra::cli {

StdoutBuffer::StdoutBuffer() : previous_(std::cout.rdbuf(this)) {
  setp(buffer_, buffer_ + sizeof buffer_);
}

StdoutBuffer::~StdoutBuffer() {
  Finish();
  std::cout.rdbuf(previous_);
}

bool StdoutBuffer::Drain() {
  if (error_ == 0) error_ = WriteAll(STDOUT_FILENO, std::string_view(pbase(), pptr() - pbase()));
  setp(buffer_, buffer_ + sizeof buffer_);
  return error_ == 0;
}

StdoutBuffer::int_type StdoutBuffer::overflow(int_type c) {
  if (!Drain()) return traits_type::eof();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int StdoutBuffer::sync() { return Drain() ? 0 : -1; }

int StdoutBuffer::Finish() {
  Drain();
  return error_;
}

}  // namespace mitra::cli
