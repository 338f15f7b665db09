// A scoped temporary directory for tests.
//
// The constructor creates a fresh directory with mkdtemp under $TMPDIR (or /tmp), named
// f32patch-test-XXXXXX. The destructor removes it with everything in it, unless the current
// GoogleTest test has failed: then it keeps the directory and prints "kept temp dir: PATH" to
// stderr, so the files can be inspected.
#pragma once

#include <string>

namespace f32patch::testing {

class TempDir {
 public:
  TempDir();  // throws std::runtime_error if the directory cannot be created
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const noexcept { return m_path; }
  // path() + "/" + name; nothing is created.
  std::string file(const std::string& name) const;

 private:
  std::string m_path;
};

}  // namespace f32patch::testing
