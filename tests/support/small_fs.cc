#include "tests/support/small_fs.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace kraken::testing {

SmallFileSystem::SmallFileSystem(std::string dir, const std::string& size) : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
  const std::string options = "size=" + size;
  mounted_ = mount("tmpfs", dir_.c_str(), "tmpfs", 0, options.c_str()) == 0;
  if (!mounted_) error_ = std::strerror(errno);
}

SmallFileSystem::~SmallFileSystem() {
  if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
}

bool FillUp(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  const std::string chunk(4096, 'f');
  while (write(fd, chunk.data(), chunk.size()) > 0) {
  }
  close(fd);
  return true;
}

}  // namespace kraken::testing
