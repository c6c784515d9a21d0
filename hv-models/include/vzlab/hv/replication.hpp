// Disaster recovery: a storage device's data copied to a replica device
// (usually at another site), and what happens when the original is lost.
//
//   sync:   every write also goes to the replica before it completes (the
//           write waits for the copy and the acknowledgement: a round
//           trip plus the transfer; nothing is lost);
//   async:  every `interval`, the bytes written since the last shipment
//           go to the replica as one flow; the replica then holds
//           everything written up to the shipment's start;
//   backup: every `interval`, a full copy of the device goes to the
//           replica; recovering needs a restore first.
//
// When the original device goes down (its own failure or its site's), the
// recovery point and the data written after it are what is lost (RPO).
// After `activation` (noticing the disaster and deciding to fail over), and
// for a backup the restore, every guest whose disk was there is started
// again on a host that reaches the replica; the time until the last of
// them runs again is the RTO.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vzlab/hv/network.hpp"

namespace vzlab::hv {

/// How a replica is kept up to date.
enum class ReplicationMode { kSync, kAsync, kBackup };

/// Name as written in scenarios ("sync", "async", "backup").
const char* replication_mode_name(ReplicationMode mode);

/// A replication as a scenario describes it.
struct ReplicationSpec {
  std::string name{};
  NodeId from = 0, to = 0;  ///< original and replica storage devices
  ReplicationMode mode = ReplicationMode::kAsync;
  double interval_s = 300.0;  ///< async: between shipments; backup: between full copies
  double activation_s = 0.0;  ///< from the loss of the original to starting guests at the replica
  double restore_Bps = 0.0;   ///< backup: restore rate before guests can start (0: no restore time)
};

/// What a replication did, and the disaster it recovered from.
struct ReplicationRecord {
  ReplicationSpec spec;
  double shipped_bytes = 0.0;     ///< sent to the replica over the network
  double written_bytes = 0.0;     ///< written to the original
  double confirmed_bytes = 0.0;   ///< of those, held by the replica
  double recovery_point_s = 0.0;  ///< the replica holds everything written up to this time
  double replica_bytes = 0.0;     ///< data the replica holds (a backup's last full copy)
  bool shipping = false;          ///< async or backup: a shipment is in flight
  double writes = 0.0;            ///< writes to the original (an I/O step's requests count as one)
  double write_wait_s = 0.0;      ///< sync: time writes waited for the replica
  double disaster_s = -1.0;       ///< when the original was lost (negative: never)
  double rpo_s = 0.0;             ///< time of writes lost: disaster - recovery point (0 if none lost)
  double lost_bytes = 0.0;        ///< written after the recovery point, gone with the original
  double restore_s = 0.0;         ///< backup: time spent restoring before guests start
  std::vector<std::uint32_t> guests;  ///< guests started again at the replica
  bool done = false;              ///< recovery ran (guests started or found no room)
  int not_placed = 0;             ///< guests for which no host reached the replica
};

}  // namespace vzlab::hv
