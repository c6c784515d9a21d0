#include "vzlab/hv/energy.hpp"

#include "vzlab/hv/world.hpp"

namespace vzlab::hv {

std::vector<double> hosts_energy_J(const World& world) {
  const double now = world.engine().now();
  std::vector<double> work(world.hosts().size());
  for (const Host& h : world.hosts()) work[h.index()] = h.flops_done();
  for (const Guest& g : world.guests()) work[g.host().index()] += g.running_flops();
  std::vector<double> energy(work.size());
  for (const Host& h : world.hosts())
    energy[h.index()] = h.power_idle_W() * h.powered_s(now) +
                        (h.power_peak_W() - h.power_idle_W()) * work[h.index()] / h.capacity_flops();
  return energy;
}

}  // namespace vzlab::hv
