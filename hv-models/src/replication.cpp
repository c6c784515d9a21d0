#include "vzlab/hv/replication.hpp"

namespace vzlab::hv {

const char* replication_mode_name(ReplicationMode mode) {
  switch (mode) {
    case ReplicationMode::kSync: return "sync";
    case ReplicationMode::kAsync: return "async";
    case ReplicationMode::kBackup: return "backup";
  }
  return "?";
}

}  // namespace vzlab::hv
