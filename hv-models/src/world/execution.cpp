// Execution: a guest's processes run their steps (compute with the mode's
// costs, sleep, I/O on the host's disk or over the network, send).
#include "vzlab/hv/world.hpp"

#include <algorithm>
#include <stdexcept>

namespace vzlab::hv {

engine::Process World::run_process(Guest& guest, ProcessSpec spec, std::size_t slot, Guest::Cursor from) {
  engine::Engine& eng = *engine_;
  if (spec.start_s > eng.now()) co_await eng.sleep_until(spec.start_s);
  {
    // Its first process starting is its first moment running (after its
    // start-up, or at once when started without one).
    const GuestState st = guest.state() == GuestState::kStalled ? guest.resume_to_ : guest.state();
    if (st == GuestState::kPending || st == GuestState::kBooting) guest.transition(GuestState::kRunning, Cause::kStarted);
  }
  for (int r = from.repeat; r < spec.repeat; ++r) {
    for (std::size_t i = r == from.repeat ? from.step : 0; i < spec.steps.size(); ++i) {
      // A random process's step runs with the amount drawn for this repetition.
      Step drawn;
      if (!spec.drawn.empty()) {
        drawn = spec.steps[i];
        drawn.amount = spec.amount(r, i);
      }
      const Step& step = spec.drawn.empty() ? spec.steps[i] : drawn;
      // A step resumed from a checkpoint does only the part not saved yet.
      const double done = r == from.repeat && i == from.step ? from.done : 0.0;
      guest.cursors_[slot] = {r, i, done};
      switch (step.kind) {
        case Step::Kind::kCompute: {
          // The work itself plus what the mode adds for its calls and traps,
          // all on the guest's own vCPU.
          const StepCost c = compute_cost(guest.mode(), guest.host().hypervisor(), calibration_, step.syscalls,
                                          step.privileged, step.page_faults);
          guest.add_exits(c.exits * (1.0 - done));
          const double flops = (step.amount + c.guest_cpu_s * guest.host().speed_flops()) * (1.0 - done);
          // On a host short of memory, work also waits for pages to come back
          // from swap: swap_slowdown x overcommit times its CPU time, idle.
          const double swap_wait = calibration_.swap_slowdown * guest.host().memory_overcommit();
          {
            Execution work = guest.execute(flops);
            guest.executing_[slot] = &work;
            co_await work;
            guest.executing_[slot] = nullptr;
          }
          if (swap_wait > 0) co_await eng.sleep(swap_wait * flops / guest.host().speed_flops());
          break;
        }
        case Step::Kind::kSleep:
          co_await eng.sleep(step.amount);
          break;
        case Step::Kind::kIo:
          co_await run_io(guest, step);
          break;
        case Step::Kind::kSend:
          co_await run_send(guest, step);
          break;
      }
    }
  }
  if (guest.process_finished_s_.size() <= slot) guest.process_finished_s_.resize(slot + 1, -1.0);
  guest.process_finished_s_[slot] = eng.now();
  if (--guest.running_ == 0) end_guest(guest);
}

engine::Task<void> World::copy_memory(Guest& g, double bytes, bool to_disk) {
  if (g.disk_node() && network_) {
    const NodeId here = host_node(g.host()), disk = *g.disk_node();
    co_await network_->transfer(to_disk ? here : disk, to_disk ? disk : here, bytes);
  } else {
    co_await engine::Activity(*engine_, bytes, g.host().disk());
  }
}

engine::Task<void> World::run_io(Guest& guest, const Step& step) {
  engine::Engine& eng = *engine_;
  Host& host = guest.host();
  const StepCost c = io_cost(guest.mode(), host.hypervisor(), calibration_, step.amount, step.io_batch);
  guest.add_exits(c.exits);
  {
    // The guest's CPU side and the hypervisor's emulation or back-end work on
    // the host's cores proceed together; the step waits for both.
    Execution in_guest = guest.execute(c.guest_cpu_s * host.speed_flops());
    engine::Activity on_host(eng, c.host_cpu_s * host.speed_flops(), host.cpu(), host.speed_flops());
    co_await in_guest;
    co_await on_host;
    host.add_flops_done(c.host_cpu_s * host.speed_flops());
  }
  const double t0 = eng.now();
  const double bytes = step.amount * step.io_size_bytes;
  if (guest.disk_node() && network_) {
    // A disk elsewhere (DAS, NAS, SAN): the device's IOPS, one access time
    // and a round trip per request (queue depth one), then the bytes as a
    // flow over the route, shared on every link and device it crosses.
    Network& net = *network_;
    const NodeId dev = *guest.disk_node(), here = host_node(host);
    co_await net.requests(dev, step.amount);
    co_await eng.sleep(step.amount * (net.node(dev).latency_s + 2 * net.latency(here, dev)));
    if (step.io_write) {
      co_await net.transfer(here, dev, bytes, 1.0, guest.index(), false);
      net.add_fill(dev, bytes);
      for (ReplicationRecord& r : replications_) {
        if (r.spec.from != dev || r.disaster_s >= 0) continue;
        r.written_bytes += bytes;
        r.writes += 1;
        if (r.spec.mode != ReplicationMode::kSync) continue;
        // The write completes once the replica has it too and has said so:
        // the data one way, the acknowledgement back.
        const double w0 = eng.now();
        co_await net.transfer(dev, r.spec.to, bytes);
        co_await eng.sleep(net.latency(r.spec.to, dev));
        r.write_wait_s += eng.now() - w0;
        r.shipped_bytes += bytes;
        if (r.disaster_s >= 0) continue;
        r.confirmed_bytes += bytes;
        r.recovery_point_s = eng.now();
      }
    } else {
      co_await net.transfer(dev, here, bytes, 1.0, guest.index(), false);
      if (guest.mirror_host_ != nullptr) {
        // What it read goes to its copy too (the copy does not read itself).
        co_await net.transfer(here, host_node(*guest.mirror_host_), bytes);
        guest.mirror_log_bytes_ += bytes;
      }
    }
  } else {
    // The host's own disk: one access time per request, the bytes at the
    // disk's bandwidth shared with the other I/O of the host.
    co_await eng.sleep(step.amount * host.disk_latency_s());
    co_await engine::Activity(eng, bytes, host.disk());
  }
  guest.io_requests_ += step.amount;
  guest.io_bytes_ += bytes;
  guest.io_time_s_ += eng.now() - t0;
}

engine::Task<void> World::run_send(Guest& guest, const Step& step) {
  // The destination: a network node (a host, a switch, a NAS...) by name, or
  // the host a guest of that name runs on.
  Network& net = network();
  std::optional<NodeId> to = net.find(step.to);
  if (!to)
    if (const Guest* peer = find_guest(step.to)) to = host_node(peer->host());
  if (!to) throw std::invalid_argument(guest.name() + ": send to '" + step.to + "': no such guest, host or node");
  if (std::find(guest.peers_.begin(), guest.peers_.end(), *to) == guest.peers_.end()) guest.peers_.push_back(*to);
  co_await net.transfer(host_node(guest.host()), *to, step.amount, 1.0, guest.index());
  guest.sent_bytes_ += step.amount;
}

}  // namespace vzlab::hv
