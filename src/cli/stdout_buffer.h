// Standard output of the CLI. std::cout writes through this buffer, which
// keeps the first write error, so that main reports it and exits non-zero:
// `mitra export S > /dev/full` or a closed pipe must not pass for success.
#ifndef MITRA_CLI_STDOUT_BUFFER_H_
#define MITRA_CLI_STDOUT_BUFFER_H_

#include <streambuf>

namespace mitra::cli {

class StdoutBuffer : public std::streambuf {
 public:
  // Becomes std::cout's buffer until destroyed.
  StdoutBuffer();
  ~StdoutBuffer() override;
  StdoutBuffer(const StdoutBuffer&) = delete;
  StdoutBuffer& operator=(const StdoutBuffer&) = delete;

  // Writes what is buffered; 0, or the errno of the first write that failed
  // (later output is dropped once one has).
  int Finish();

 protected:
  int_type overflow(int_type c) override;
  int sync() override;

 private:
  bool Drain();

  std::streambuf* previous_;
  int error_ = 0;
  char buffer_[1 << 16];
};

}  // namespace mitra::cli

#endif  // MITRA_CLI_STDOUT_BUFFER_H_
