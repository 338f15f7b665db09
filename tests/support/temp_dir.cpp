#include "support/temp_dir.hpp"

#include <stdlib.h>  // mkdtemp

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

namespace f32patch::testing {

TempDir::TempDir() {
  const char* env = std::getenv("TMPDIR");
  std::string base = env != nullptr && *env != '\0' ? env : "/tmp";
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  std::string templ = base + "/f32patch-test-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    const int err = errno;
    throw std::runtime_error("mkdtemp " + templ + " failed: " + std::strerror(err));
  }
  m_path = buf.data();
}

TempDir::~TempDir() {
  if (::testing::Test::HasFailure()) {
    std::cerr << "kept temp dir: " << m_path << '\n';
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
  if (ec) std::cerr << "could not remove temp dir " << m_path << ": " << ec.message() << '\n';
}

std::string TempDir::file(const std::string& name) const { return m_path + "/" + name; }

}  // namespace f32patch::testing
