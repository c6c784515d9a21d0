// Energy: one linear power model behind every number that shows it (the run
// report, `vzlab plot` and the visualizer's chart). A host draws its idle
// power while it is on, plus (peak - idle) x the share of its capacity in
// use. It is on from the moment it first holds a guest or runs a task (a
// host that never does is taken as switched off: the spare that was not
// needed costs nothing), except while a pool manager keeps it switched off
// and while it is down (from a crash to its repair).
//
//   std::vector<double> e = vzlab::hv::hosts_energy_J(world);  // at world.engine().now()
//   // e[h.index()]: joules host h used from time 0 until now
#pragma once

#include <vector>

namespace vzlab::hv {

class World;

/// Energy each host used from time 0 until now, in joules (by Host::index()):
/// idle x its powered time + (peak - idle) x its work so far / its capacity,
/// the work of tasks still running included.
std::vector<double> hosts_energy_J(const World& world);

}  // namespace vzlab::hv
