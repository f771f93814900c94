#pragma once
// A small file system to fill up on purpose: a tmpfs of a given size mounted
// for the life of the object. Mounting needs root (or CAP_SYS_ADMIN); tests
// skip with error() when it fails.

#include <string>

namespace kraken::testing {

class SmallFileSystem {
 public:
  // `size` as mount(8) takes it: "4m".
  SmallFileSystem(std::string dir, const std::string& size);
  ~SmallFileSystem();  // unmounts (lazily, so open files do not keep it)
  SmallFileSystem(const SmallFileSystem&) = delete;
  SmallFileSystem& operator=(const SmallFileSystem&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string error_;
};

// Writes `path` until its file system has no room left. False (with errno set)
// if the file cannot be created.
bool FillUp(const std::string& path);

}  // namespace kraken::testing
