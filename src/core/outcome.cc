#include "core/outcome.h"

namespace tally {

std::string_view commit_state_name(CommitState state) {
  switch (state) {
    case CommitState::merged:
      return "merged";
    case CommitState::landed:
      return "squash-merged";
    case CommitState::unmerged:
      return "unmerged";
    case CommitState::unknown:
      return "unknown";
    case CommitState::amended:
      return "amended";
    case CommitState::revert:
      return "revert";
  }
  return "unknown";
}

}  // namespace tally
