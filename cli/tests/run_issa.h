#pragma once

// Runs the real `issa` binary (ISSA_BINARY) for the CLI tests: shell words in `args`, stdin from
// `stdin_file` when given; stdout and stderr are captured, the exit code kept.
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace issa::cli::testing {

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

inline RunResult Issa(const std::string& args, const std::string& stdin_file = "") {
  const std::string err_file =
      ::testing::TempDir() + "/issa_stderr_" + std::to_string(::getpid()) + ".txt";
  std::string cmd = std::string(ISSA_BINARY) + " " + args + " 2>" + err_file;
  if (!stdin_file.empty()) cmd += " < " + stdin_file;
  RunResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream e(err_file);
  std::stringstream s;
  s << e.rdbuf();
  r.err = s.str();
  return r;
}

}  // namespace issa::cli::testing
