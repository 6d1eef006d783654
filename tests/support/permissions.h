#pragma once

// Makes permission bits bind in tests that run as root (CI does). Root reads a chmod 000
// file or directory through CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so a test of what
// tally does with an unreadable path would pass without testing anything. While an
// ObeyPermissions lives, the calling thread lacks both in its effective set; threads it
// starts meanwhile inherit that (capabilities are per thread), so code that walks or scans
// on helper threads obeys the bits too. The permitted set is untouched, so the destructor
// can raise them again. As a non-root user this changes nothing.
//
// For a process (the tally binary), obey_permissions_prefix() is a command prefix that runs
// it without those capabilities (util-linux setpriv; nothing when not root).

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tally::test {

class ObeyPermissions {
 public:
  ObeyPermissions() {
    header_.version = _LINUX_CAPABILITY_VERSION_3;
    header_.pid = 0;
    if (::syscall(SYS_capget, &header_, saved_) != 0) {
      return;
    }
    __user_cap_data_struct dropped[2] = {saved_[0], saved_[1]};
    dropped[0].effective &= ~((1U << CAP_DAC_OVERRIDE) | (1U << CAP_DAC_READ_SEARCH));
    dropped_ = ::syscall(SYS_capset, &header_, dropped) == 0;
  }
  ~ObeyPermissions() {
    if (dropped_) {
      ::syscall(SYS_capset, &header_, saved_);
    }
  }
  ObeyPermissions(const ObeyPermissions&) = delete;
  ObeyPermissions& operator=(const ObeyPermissions&) = delete;

 private:
  __user_cap_header_struct header_{};
  __user_cap_data_struct saved_[2]{};
  bool dropped_ = false;
};

// Prefix for a shell command line: runs the command without CAP_DAC_OVERRIDE and
// CAP_DAC_READ_SEARCH when this process is root (dropped from the bounding and inheritable
// sets, so the exec cannot regain them), as is otherwise.
inline const char* obey_permissions_prefix() {
  return ::geteuid() == 0 ? "setpriv --inh-caps=-dac_override,-dac_read_search "
                            "--bounding-set=-dac_override,-dac_read_search "
                          : "";
}

}  // namespace tally::test
