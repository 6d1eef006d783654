#include "core/usage.h"

namespace tally {

std::string_view kind_name(RecordKind kind) {
  return kind == RecordKind::unlogged ? "unlogged" : "response";
}

std::string_view cost_source_name(CostSource source) {
  switch (source) {
    case CostSource::computed:
      return "computed";
    case CostSource::agent_reported:
      return "agent-reported";
    case CostSource::unpriced:
      return "unpriced";
  }
  return "unpriced";
}

}  // namespace tally
