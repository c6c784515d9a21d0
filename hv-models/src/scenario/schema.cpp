#include "vzlab/hv/scenario/schema.hpp"

#include <cassert>
#include <sstream>

#include "vzlab/hv/network.hpp"
#include "vzlab/hv/scenario/limits.hpp"
#include "vzlab/hv/scenario/name_template.hpp"

namespace vzlab::hv::scenario {

namespace {

using VT = ValueType;
using UK = UnitKind;

// Random failures, the same keys for hosts, guests, nodes and links.
constexpr KeySpec kMtbf{"mtbf", VT::kRandom, UK::kDuration, "none (it never fails by itself)",
                        "Time between failures: it works this long (a draw each time), then fails; needs `mttr` "
                        "and `until`.", 0, true};
constexpr KeySpec kMttr{"mttr", VT::kRandom, UK::kDuration, "none",
                        "Time to repair: it stays down this long (a draw each time), then works again (a guest "
                        "restarts on its host).", 0, true};

std::vector<SectionSpec> make_schema() {
  std::vector<SectionSpec> s;
  s.push_back({"scenario", "the top level of the file",
               "A scenario: a platform of hosts, the guests placed on them, what the guests run, and how to run it.",
               {
                   {"version", VT::kInteger, UK::kNone, nullptr, "Schema version; must be 1.", 1, false},
                   {"name", VT::kString, UK::kNone, "the file name", "Title shown in reports."},
                   {"description", VT::kString, UK::kNone, "\"\"", "What the scenario shows, printed above the report."},
                   {"seed", VT::kInteger, UK::kNone, "1", "Base seed of every random stream (override: --seed).", 0},
                   {"until", VT::kQuantity, UK::kDuration, "none (run until all work is done)",
                    "Simulated time at which the run stops (override: --until).", 0, true},
                   {"hosts", VT::kList, UK::kNone, nullptr, "The physical hosts.", -1e300, false, "", "host"},
                   {"guests", VT::kList, UK::kNone, "[]", "VMs and native workloads placed on the hosts.", -1e300, false,
                    "", "guest"},
                   {"workloads", VT::kNamedLists, UK::kNone, "{}",
                    "Named lists of processes that guests refer to with `workload:`.", -1e300, false, "", "process"},
                   {"output", VT::kMap, UK::kNone, "{}", "Default output settings.", -1e300, false, "", "output"},
                   {"failures", VT::kList, UK::kNone, "[]", "Scripted crashes.", -1e300, false, "", "failure"},
                   {"migrations", VT::kList, UK::kNone, "[]", "Planned migrations of VMs to other hosts.", -1e300,
                    false, "", "migration"},
                   {"services", VT::kList, UK::kNone, "[]", "Load-balanced services over replica guests.", -1e300,
                    false, "", "service"},
                   {"manager", VT::kMap, UK::kNone, "none",
                    "A server-pool manager: rebalances busy hosts by live migration, switches idle hosts off.",
                    -1e300, false, "", "manager"},
                   {"replications", VT::kList, UK::kNone, "[]",
                    "Disaster recovery: storage devices copied to replicas (sync, async or backups).", -1e300, false,
                    "", "replication"},
                   {"ha", VT::kMap, UK::kNone, "none (nothing is restarted elsewhere)",
                    "High availability: the cluster manager restarts a dead host's guests elsewhere.", -1e300, false,
                    "", "ha"},
                   {"network", VT::kMap, UK::kNone, "none (each host uses its own disk)",
                    "Switches, routers, storage devices and the links between them and the hosts.", -1e300, false, "",
                    "network"},
                   {"images", VT::kNamedLists, UK::kNone, "{}",
                    "Named guest images, each a list of layers that guests refer to with `image:`.", -1e300, false,
                    "", "layer"},
               },
               R"(version: 1
name: Two VMs on one host
seed: 7
until: 1h
hosts:
  - {name: h0, cores: 2, speed: 1Gf}
guests:
  - {name: "vm-{i}", count: 2, host: h0, workload: batch}
workloads:
  batch:
    - steps: [{compute: 10Gf}]
)"});
  s.push_back({"host", "each item of `hosts:`",
               "A physical machine. With `count:` one item stands for many hosts whose names come from a template.",
               {
                   {"name", VT::kTemplate, UK::kNone, nullptr, "Host name; with count > 1 it must contain {i}."},
                   at_most({"count", VT::kInteger, UK::kNone, "1", "Number of hosts this item makes (i = 0 .. count-1).", 1}, 1e7),
                   {"group", VT::kTemplate, UK::kNone, "\"\"", "Label used to group hosts in reports."},
                   {"site", VT::kTemplate, UK::kNone, "\"\"",
                    "Data centre the host stands in; `crash: site` takes down every host and node of a site."},
                   at_most({"cores", VT::kInteger, UK::kNone, "1", "Number of CPU cores.", 1}, 1 << 20),
                   {"speed", VT::kQuantity, UK::kFlopRate, nullptr, "Speed of one core; no single task runs faster.",
                    0, true},
                   {"hypervisor", VT::kChoice, UK::kNone, "type1",
                    "What runs on the hardware: a bare-metal hypervisor, a hosted one on a host OS, a host OS "
                    "with a container runtime, or just an OS.", -1e300, false, "type1|type2|container-runtime|none"},
                   {"os", VT::kChoice, UK::kNone, "linux", "The host's own OS (the kernel its containers share).",
                    -1e300, false, "linux|windows|freebsd"},
                   {"disk_bandwidth", VT::kQuantity, UK::kByteRate, "500MB/s",
                    "Local disk throughput, shared by all I/O of the host's guests.", 0, true},
                   {"disk_latency", VT::kQuantity, UK::kDuration, "100us", "Local disk access time per request.", 0},
                   {"power_idle", VT::kNumber, UK::kNone, "100", "Electrical power when idle, in watts.", 0},
                   {"power_peak", VT::kNumber, UK::kNone, "250", "Electrical power at full CPU load, in watts.", 0},
                   at_most({"rack_units", VT::kInteger, UK::kNone, "1", "Space the host takes in a rack (1U = 1.75 in).", 1}, 100),
                   {"memory", VT::kQuantity, UK::kBytes, "64GiB", "RAM shared by its guests.", 0, true},
                   {"memory_full", VT::kChoice, UK::kNone, "refuse",
                    "A guest that does not fit in memory: refuse to start it, or swap (every compute step on the "
                    "host then also waits swap_slowdown x overcommit x its CPU time).", -1e300, false, "refuse|swap"},
                   {"cpu_overcommit", VT::kNumber, UK::kNone, "8",
                    "The admin's limit of VM vCPUs per core; past it a VM is refused.", 0, true},
                   kMtbf,
                   kMttr,
                   {"fault", VT::kChoice, UK::kNone, "host",
                    "What fails at random with `mtbf`: the whole host, its hypervisor (its VMs go down and boot "
                    "again on it after `mttr`) or its host OS (its containers and processes, and a type-2 host's "
                    "VMs).", -1e300, false, "host|hypervisor|host-os"},
               },
               R"(hosts:
  - name: rack1-{i:02}      # rack1-00 .. rack1-15
    count: 16
    group: rack1
    cores: 8
    speed: 2.5Gf
    hypervisor: type1
)"});
  s.push_back({"guest", "each item of `guests:`",
               "A virtual machine (`mode: full`, `full-bt`, `para`), a container (`os-level`) or a workload running "
               "directly on the host OS (`native`). A VM takes from its host min(running tasks, vcpus) x share, "
               "bounded by its cap; containers and native processes compete task by task.",
               {
                   {"name", VT::kTemplate, UK::kNone, nullptr, "Guest name; with count > 1 it must contain {i}."},
                   at_most({"count", VT::kInteger, UK::kNone, "1", "Number of guests this item makes (i = 0 .. count-1).", 1}, 1e7),
                   {"host", VT::kTemplate, UK::kNone, "-", "Name of the host it runs on; may use {i}, e.g. h{i/8}.",
                    -1e300, false, "", "", "either `host` or `pool`"},
                   {"pool", VT::kString, UK::kNone, "-",
                    "A group of hosts to place it in by `placement`, counting memory, vCPUs and its average CPU "
                    "demand.", -1e300, false, "", "", "either `host` or `pool`"},
                   {"placement", VT::kChoice, UK::kNone, "first-fit",
                    "With `pool`: the first host with room, the one left fullest (best-fit), or the emptiest "
                    "(worst-fit, spreads the load).", -1e300, false, "first-fit|best-fit|worst-fit"},
                   {"mode", VT::kChoice, UK::kNone, "full",
                    "How its work reaches the hardware: full virtualization (hardware-assisted trap and emulate), "
                    "full-bt (binary translation), para (hypercalls, paravirtual drivers), os-level (a container), "
                    "native (a process on the host OS). `vm` means full.", -1e300, false,
                    "full|full-bt|para|os-level|native|vm"},
                   {"memory", VT::kQuantity, UK::kBytes, "256MiB",
                    "The application's own memory; a VM adds its guest OS and VMM, a container the runtime's "
                    "share (docs/calibration.md).", 0},
                   {"image", VT::kString, UK::kNone, "none",
                    "Name of an entry of `images:`: its disk image (VMs keep a copy each; containers share layers)."},
                   {"os", VT::kString, UK::kNone, "the host's",
                    "The guest's OS: linux, windows or freebsd; a container always has its host's.", -1e300, false,
                    "linux|windows|freebsd"},
                   {"group", VT::kTemplate, UK::kNone, "\"\"", "Label used to group guests in reports."},
                   at_most({"vcpus", VT::kInteger, UK::kNone, "1", "Virtual CPUs (VMs only).", 1}, 1 << 20),
                   {"cap", VT::kQuantity, UK::kFlopRate, "none", "Most CPU the VM may take in all (VMs only).", 0, true},
                   {"share", VT::kNumber, UK::kNone, "1", "Weight against other VMs on the host (VMs only).", 0, true},
                   {"start", VT::kRandom, UK::kDuration, "0", "When its processes start; a distribution is drawn "
                    "per guest.", 0},
                   {"interarrival", VT::kRandom, UK::kDuration, "none",
                    "Time between the starts of consecutive replicas, added to `start` (drawn per replica).", 0},
                   {"workload", VT::kString, UK::kNone, "none", "Name of an entry of `workloads:` to run.", -1e300,
                    false, "", "", "use either `workload` or `processes`"},
                   {"processes", VT::kList, UK::kNone, "[]", "Processes to run (instead of `workload`).", -1e300,
                    false, "", "process"},
                   {"anti_affinity", VT::kTemplate, UK::kNone, "none",
                    "A label: guests with the same label never share a host (replicas of one service), when "
                    "placed from a pool, restarted by `ha:` or migrated."},
                   {"dirty_rate", VT::kQuantity, UK::kByteRate, "0",
                    "VMs: memory its work writes per second; a live migration must send it again.", 0},
                   {"protect", VT::kChoice, UK::kNone, "none",
                    "VMs: against the loss of its host. mirror: a lockstep copy on another host of its group "
                    "(reserves the same memory and vCPUs there, runs the same CPU work, gets what the VM reads "
                    "from disk over the network) takes over one heartbeat after the host dies, nothing lost; its "
                    "disk must be on a NAS or SAN. checkpoint: every `checkpoint_interval` the VM pauses while the "
                    "memory it dirtied (all of its RAM the first time) is written to its disk; a restart reads it "
                    "back instead of booting and loses only the work since the save.",
                    -1e300, false, "none|mirror|checkpoint"},
                   {"checkpoint_interval", VT::kQuantity, UK::kDuration, "5min",
                    "protect: checkpoint: time between saves.", 0, true},
                   kMtbf,
                   kMttr,
                   {"disk", VT::kString, UK::kNone, "its host's own disk",
                    "Where its disk image lives: a storage node of `network:` (a `das`, `nas` or `array`), `das` for "
                    "its host's DAS node, or the name of a SAN (a `dual-fabric-san` shape or a `pools:` entry), "
                    "whose array with the most free space takes it."},
                   {"disk_size", VT::kQuantity, UK::kBytes, "20GiB", "Size of its disk image on that device.", 0},
                   {"real", VT::kChoice, UK::kNone, "false",
                    "`vzlab compare` may also run it for real on this machine (mode native, full, para or "
                    "os-level; one process): natively, in our KVM VM, or in a container.", -1e300, false,
                    "true|false"},
               },
               R"(guests:
  - name: web-{i}
    count: 8
    host: h{i/4}            # 4 VMs on each of h0 and h1
    vcpus: 2
    cap: 1.5Gf
    start: {dist: uniform, min: 0s, max: 10s}
    processes:
      - {count: 2, repeat: 50, steps: [{compute: 200Mf}, {sleep: 1s}]}
)"});
  s.push_back({"process", "each item of `processes:` and of a `workloads:` entry",
               "A chain of steps run one after the other, `repeat` times. Several processes of one guest run "
               "in parallel.",
               {
                   {"name", VT::kString, UK::kNone, "p<index>", "Label of the process."},
                   at_most({"count", VT::kInteger, UK::kNone, "1", "Identical processes started together.", 1}, 1e7),
                   at_most({"repeat", VT::kInteger, UK::kNone, "1", "Times the chain of steps runs.", 1}, 1e9),
                   {"steps", VT::kList, UK::kNone, nullptr, "The chain of steps.", -1e300, false, "", "step"},
               },
               R"(processes:
  - name: batch
    repeat: 100
    steps:
      - compute: {dist: uniform, min: 0.5Gf, max: 1.5Gf}
      - sleep: 100ms
)"});
  s.push_back({"step", "each item of `steps:`",
               "One thing a process does: exactly one of `compute`, `sleep`, `io` or `send`. A computing task is active; a "
               "sleeping one takes no CPU. What a step costs beyond its own work depends on the guest's mode "
               "(docs/calibration.md).",
               {
                   {"compute", VT::kRandom, UK::kFlops, "-", "CPU work of this step.", 0, false, "", "", ""},
                   {"syscalls", VT::kNumber, UK::kNone, "0", "System calls made during a compute step.", 0, false,
                    "", "", "compute steps only"},
                   {"privileged", VT::kNumber, UK::kNone, "0",
                    "Privileged operations (page-table updates, control registers) during a compute step.", 0, false,
                    "", "", "compute steps only"},
                   {"page_faults", VT::kNumber, UK::kNone, "0",
                    "First-touch page faults during a compute step (memory it newly touches, in 4 KiB pages).", 0,
                    false, "", "", "compute steps only"},
                   {"sleep", VT::kRandom, UK::kDuration, "-", "Idle time of this step.", 0, false, "", "", ""},
                   {"io", VT::kMap, UK::kNone, "-", "Disk I/O requests, through the mode's I/O path.", -1e300, false,
                    "", "io"},
                   {"send", VT::kRandom, UK::kBytes, "-",
                    "Bytes sent over the network to `to` (needs a `network:` section).", 0, false, "", "", ""},
                   {"to", VT::kString, UK::kNone, "-", "With `send`: a guest (its host), a host or a network node.",
                    -1e300, false, "", "", "send steps only"},
               },
               R"(steps:
  - compute: 2Gf
    syscalls: 20000
    privileged: 500
  - sleep: {dist: exponential, mean: 500ms}
  - io: {ops: 1000, size: 4KiB}
)"});
  s.push_back({"io", "`io:` in a step",
               "A run of disk requests on the guest's disk: its host's own disk, or with `disk:` a DAS, NAS or SAN "
               "device of the network. Each request costs guest CPU (driver, exits or ring work), hypervisor CPU "
               "on the host (device emulation or back end), the device's IOPS, one access time and (for a disk "
               "elsewhere) a network round trip, and its bytes at the bandwidths it crosses, shared by max-min.",
               {
                   {"ops", VT::kInteger, UK::kNone, nullptr, "Number of requests.", 1},
                   {"size", VT::kQuantity, UK::kBytes, "4096", "Size of one request.", 0},
                   {"batch", VT::kInteger, UK::kNone, "the profile's pv_batch",
                    "Para guests: requests per ring notification.", 1},
                   {"write", VT::kChoice, UK::kNone, "false", "Writes (they fill the device) rather than reads.",
                    -1e300, false, "true|false"},
               },
               R"(io: {ops: 5000, size: 64KiB, batch: 32, write: true}
)"});
  s.push_back({"migration", "each item of `migrations:`",
               "Moves a running VM to another host over the network (which must link the two hosts). live: "
               "pre-copy -- its RAM (application memory + guest OS) is sent while it runs, then what it dirtied "
               "meanwhile (dirty_rate x round time), round after round, until the rest fits the downtime target "
               "at the last round's rate or `rounds` is reached; then it pauses, the rest is sent, and it resumes "
               "on the target. cold: it stays paused while the whole RAM goes. The copy is a flow that competes "
               "with other traffic. The report gives rounds, bytes sent, total time and downtime.",
               {
                   {"at", VT::kQuantity, UK::kDuration, nullptr, "When it starts.", 0},
                   {"guest", VT::kString, UK::kNone, nullptr, "The VM to move."},
                   {"to", VT::kString, UK::kNone, nullptr, "The host to move it to."},
                   {"kind", VT::kChoice, UK::kNone, "live", "Pre-copy live migration, or cold.", -1e300, false,
                    "live|cold"},
                   {"downtime", VT::kQuantity, UK::kDuration, "300ms", "live: the downtime it aims at.", 0, true},
                   at_most({"rounds", VT::kInteger, UK::kNone, "30", "live: pre-copy rounds at most.", 1}, 10000),
               },
               R"(migrations:
  - {at: 5min, guest: db-vm, to: h2, kind: live, downtime: 100ms}
)"});
  s.push_back({"service", "each item of `services:`",
               "A service running as identical replicas inside guests, behind a load balancer. Requests arrive "
               "with the `interarrival` law (exponential: Poisson arrivals); the balancer picks a replica in "
               "rotation by `policy`; a replica serves `servers` requests at once, each for a `service_time` draw, "
               "and queues the rest up to `queue_limit` (beyond: dropped). The balancer checks its replicas every "
               "`health_check`: a replica whose guest went down leaves the rotation then (requests sent to it "
               "before fail), and comes back once its guest runs again. The report gives response-time "
               "percentiles, throughput, drops, failures and each replica's utilization.",
               {
                   {"name", VT::kString, UK::kNone, nullptr, "Name of the service."},
                   {"replicas", VT::kString, UK::kNone, nullptr, "Its replicas: guest names separated by commas."},
                   {"policy", VT::kChoice, UK::kNone, "round-robin", "How the balancer picks a replica.", -1e300,
                    false, "round-robin|random|least-connections|weighted|power-of-two"},
                   {"weights", VT::kString, UK::kNone, "1 each",
                    "policy: weighted: one number per replica, separated by commas."},
                   {"interarrival", VT::kRandom, UK::kDuration, nullptr,
                    "Time between requests (e.g. {dist: exponential, mean: 10ms} for 100 requests/s).", 0},
                   {"service_time", VT::kRandom, UK::kDuration, nullptr, "Time a replica's server takes per request.",
                    0},
                   at_most({"servers", VT::kInteger, UK::kNone, "1", "Requests a replica serves at once.", 1}, 100000),
                   at_most({"queue_limit", VT::kInteger, UK::kNone, "1000", "Requests waiting at a replica at most.", 0}, 1e9),
                   {"health_check", VT::kQuantity, UK::kDuration, "1s", "Interval of the health checks.", 0, true},
                   {"start", VT::kQuantity, UK::kDuration, "0", "First requests after this.", 0},
                   {"stop", VT::kQuantity, UK::kDuration, "the scenario's until", "No requests after this.", 0, true},
                   {"sla", VT::kQuantity, UK::kDuration, "none",
                    "Response time promised: slower, dropped and failed requests count as SLA violations.", 0, true},
               },
               R"(services:
  - name: web
    replicas: "web-0, web-1, web-2"
    policy: least-connections
    interarrival: {dist: exponential, mean: 10ms}
    service_time: {dist: exponential, mean: 25ms}
)"});
  s.push_back({"manager", "`manager:` at the top level",
               "A server-pool manager that wakes every `interval`. In each group of hosts, a host whose CPU is busier "
               "than `hot` sends its busiest VM (live migration, over the network) to the least busy host of the "
               "group that stays below `hot` with it and has room. Hosts with no guest are switched off (they use "
               "no power) and come back on when a guest is placed on them. Energy in the report counts it.",
               {
                   {"interval", VT::kQuantity, UK::kDuration, "1min", "How often it looks.", 0, true},
                   {"hot", VT::kNumber, UK::kNone, "0.85", "CPU share above which a host sheds a VM.", 0, true},
                   {"rebalance", VT::kChoice, UK::kNone, "true", "Move VMs off busy hosts.", -1e300, false,
                    "true|false"},
                   {"power_off_idle", VT::kChoice, UK::kNone, "true", "Switch off hosts with no guest.", -1e300,
                    false, "true|false"},
               },
               R"(manager: {interval: 30s, hot: 0.8, power_off_idle: true}
)"});
  s.push_back({"ha", "`ha:` at the top level",
               "The cluster manager's high availability. Hosts send heartbeats every `heartbeat`; when `misses` "
               "of them are missed in a row the host counts as dead, and each of its guests whose disk is on shared "
               "storage (a NAS or SAN array of `network:`) restarts on the first up host of the same group with room "
               "(it boots again and its work starts over). A guest on its host's own disk or DAS waits for that "
               "host's repair.",
               {
                   {"heartbeat", VT::kQuantity, UK::kDuration, "1s", "Interval between heartbeats.", 0, true},
                   at_most({"misses", VT::kInteger, UK::kNone, "3", "Missed heartbeats before a host counts as dead.", 1}, 1000),
                   {"manager", VT::kString, UK::kNone, "replicated (it never fails)",
                    "The host the cluster manager runs on: while it is down nothing is restarted elsewhere (a "
                    "single point of failure); when it is back it notices the dead hosts after `misses` heartbeats."},
               },
               R"(ha: {heartbeat: 2s, misses: 3}
)"});
  s.push_back({"network", "`network:` at the top level",
               "The platform beyond the hosts: every host is a node already; add switches, routers and storage, "
               "link them, or generate common shapes. Routes are shortest by latency; only switches, routers and "
               "SAN controllers carry other nodes' traffic, so a DAS is reachable from its own host only. Link and "
               "device bandwidths are shared by max-min fairness over the flows crossing them.",
               {
                   {"nodes", VT::kList, UK::kNone, "[]", "Switches, routers and storage devices.", -1e300, false, "",
                    "node"},
                   {"links", VT::kList, UK::kNone, "[]", "Links between nodes (hosts included).", -1e300, false, "",
                    "link"},
                   {"shapes", VT::kList, UK::kNone, "[]", "Generated topologies: star, leaf-spine, dual-fabric-san.",
                    -1e300, false, "", "shape"},
                   {"pools", VT::kList, UK::kNone, "[]", "SANs built by hand: a name for a set of arrays.", -1e300,
                    false, "", "pool"},
                   {"failover", VT::kQuantity, UK::kDuration, "2s",
                    "How long a flow whose route failed waits before it takes another (multipath path failover).", 0},
                   {"sample", VT::kQuantity, UK::kDuration, "1s",
                    "Interval of the link and device utilization samples in the report.", 0, true},
                   {"routing", VT::kChoice, UK::kNone, "latency",
                    "Routes take the lowest total latency, or the fewest hops.", -1e300, false, "latency|hops"},
               },
               R"(network:
  failover: 5s
  shapes:
    - {shape: star, name: lan, bandwidth: 1Gb/s, latency: 50us}
  nodes:
    - {name: nas, kind: nas, bandwidth: 400MB/s, iops: 20000, latency: 500us, capacity: 8TB}
  links:
    - {from: nas, to: lan, bandwidth: 10Gb/s, latency: 20us}
)"});
  s.push_back({"node", "each item of `network.nodes:`",
               "A switch, router or storage device. With `count:` one item stands for many.",
               {
                   {"name", VT::kTemplate, UK::kNone, nullptr, "Node name; with count > 1 it must contain {i}."},
                   at_most({"count", VT::kInteger, UK::kNone, "1", "Number of nodes this item makes.", 1}, 1e7),
                   {"kind", VT::kChoice, UK::kNone, nullptr,
                    "switch and router forward traffic; das is a host's local disk, nas a file server on the "
                    "network, array a SAN disk array; controller a SAN controller (it forwards).", -1e300, false,
                    "switch|router|das|nas|controller|array"},
                   {"site", VT::kTemplate, UK::kNone, "\"\"",
                    "Data centre the node stands in; `crash: site` takes it down with the site's hosts."},
                   {"bandwidth", VT::kQuantity, UK::kByteRate, "none",
                    "Throughput of the node itself (device, controller or backplane), shared by its flows.", 0, true},
                   {"iops", VT::kNumber, UK::kNone, "none", "Storage: requests per second, shared.", 0, true},
                   {"latency", VT::kQuantity, UK::kDuration, "0", "Storage: access time per request.", 0},
                   {"capacity", VT::kQuantity, UK::kBytes, "none", "Storage: size.", 0, true},
                   {"fill", VT::kQuantity, UK::kBytes, "0", "Storage: already used at the start.", 0},
                   {"host", VT::kTemplate, UK::kNone, "-", "das only: its host; a link to it is added.", -1e300,
                    false, "", "", "kind: das"},
                   {"link", VT::kQuantity, UK::kByteRate, "6Gb/s", "das only: bandwidth of its link to the host.",
                    0, true, "", "", "kind: das"},
                   kMtbf,
                   kMttr,
               },
               R"(nodes:
  - {name: "das-{i}", count: 4, kind: das, host: "h{i}", bandwidth: 200MB/s, iops: 200, latency: 5ms, capacity: 4TB}
  - {name: nas, kind: nas, bandwidth: 400MB/s, iops: 20000, latency: 500us, capacity: 8TB}
)"});
  s.push_back({"link", "each item of `network.links:`",
               "A link between two nodes (hosts are nodes by their names). With `count:` one item stands for many, "
               "and `from` / `to` may use {i}.",
               {
                   {"from", VT::kTemplate, UK::kNone, nullptr, "One end (a host or a node)."},
                   {"to", VT::kTemplate, UK::kNone, nullptr, "The other end."},
                   at_most({"count", VT::kInteger, UK::kNone, "1", "Number of links this item makes.", 1}, 1e7),
                   {"bandwidth", VT::kQuantity, UK::kByteRate, nullptr, "Throughput, shared by the flows crossing it.",
                    0, true},
                   {"latency", VT::kQuantity, UK::kDuration, "0", "One-way latency.", 0},
                   {"network", VT::kString, UK::kNone, "lan", "Which network it belongs to (lan, san, management...)."},
                   kMtbf,
                   kMttr,
               },
               R"(links:
  - {from: "h{i}", to: sw0, count: 8, bandwidth: 10Gb/s, latency: 20us}
)"});
  s.push_back({"shape", "each item of `network.shapes:`",
               "A generated topology over a set of hosts. star: one switch `name`, every host linked to it. "
               "leaf-spine: `leaves` leaf switches `name-leaf-{i}` (hosts spread over them in order) each linked "
               "to `spines` spine switches `name-spine-{j}` by `uplink` links. dual-fabric-san: two fabric switches "
               "`name-fabric-a` and `name-fabric-b`, every host on both, `controllers` controllers `name-ctl-{i}` "
               "on both fabrics, `arrays` arrays `name-array-{j}` behind every controller; `disk: name` places a "
               "guest's disk on the array with the most free space.",
               {
                   {"shape", VT::kChoice, UK::kNone, nullptr, "Which shape.", -1e300, false,
                    "star|leaf-spine|dual-fabric-san"},
                   {"name", VT::kString, UK::kNone, nullptr, "Name of the switch (star) or prefix of the nodes."},
                   {"hosts", VT::kString, UK::kNone, "all", "Hosts it connects: all, or the hosts of one group."},
                   {"bandwidth", VT::kQuantity, UK::kByteRate, "1Gb/s (a SAN: 16Gb/s Fibre Channel, 10Gb/s iSCSI)",
                    "Bandwidth of each host's link.", 0, true},
                   {"latency", VT::kQuantity, UK::kDuration, "50us (a SAN: 5us FC, 30us iSCSI)", "Latency of each link.",
                    0},
                   at_most({"leaves", VT::kInteger, UK::kNone, "2", "leaf-spine: leaf switches.", 1}, 10000),
                   at_most({"spines", VT::kInteger, UK::kNone, "2", "leaf-spine: spine switches.", 1}, 10000),
                   {"uplink", VT::kQuantity, UK::kByteRate, "4 x bandwidth", "leaf-spine: leaf-to-spine bandwidth.",
                    0, true},
                   {"fabric", VT::kChoice, UK::kNone, "fc", "dual-fabric-san: Fibre Channel or iSCSI.", -1e300,
                    false, "fc|iscsi"},
                   at_most({"controllers", VT::kInteger, UK::kNone, "2", "dual-fabric-san: controllers.", 1}, 64),
                   {"controller_bandwidth", VT::kQuantity, UK::kByteRate, "4GB/s",
                    "dual-fabric-san: throughput of a controller.", 0, true},
                   at_most({"arrays", VT::kInteger, UK::kNone, "1", "dual-fabric-san: disk arrays.", 1}, 1024),
                   {"array_bandwidth", VT::kQuantity, UK::kByteRate, "2GB/s", "dual-fabric-san: throughput of an array.",
                    0, true},
                   {"array_iops", VT::kNumber, UK::kNone, "200000", "dual-fabric-san: requests per second of an array.",
                    0, true},
                   {"array_latency", VT::kQuantity, UK::kDuration, "200us", "dual-fabric-san: access time of an array.",
                    0},
                   {"array_capacity", VT::kQuantity, UK::kBytes, "50TB", "dual-fabric-san: size of an array.", 0, true},
               },
               R"(shapes:
  - {shape: star, name: lan, bandwidth: 10Gb/s}
  - {shape: leaf-spine, name: dc, leaves: 4, spines: 2, bandwidth: 10Gb/s, uplink: 40Gb/s}
  - {shape: dual-fabric-san, name: san, fabric: fc, controllers: 2, arrays: 3}
)"});
  s.push_back({"pool", "each item of `network.pools:`",
               "A SAN built by hand from `array` nodes: `disk: NAME` places a guest's disk on its array with the "
               "most free space.",
               {
                   {"name", VT::kString, UK::kNone, nullptr, "Name guests use in `disk:`."},
                   {"arrays", VT::kString, UK::kNone, nullptr, "Its arrays: names separated by commas."},
               },
               R"(pools:
  - {name: san, arrays: "array-a, array-b"}
)"});
  s.push_back({"failure", "each item of `failures:`",
               "A crash at a given time and what it takes down: a host crash every guest on it; a hypervisor "
               "crash its VMs; a host-OS crash its containers and processes (and a type-2 host's VMs, which "
               "run on that OS); a guest crash that guest only. Downed guests stop and free their memory. A "
               "component (switch, link, NAS head, SAN controller or array) stops carrying traffic: flows across it "
               "move to another route after the network's failover delay, or wait for its repair.",
               {
                   {"at", VT::kQuantity, UK::kDuration, nullptr, "When it happens.", 0},
                   {"crash", VT::kChoice, UK::kNone, nullptr, "What fails.", -1e300, false,
                    "host|hypervisor|host-os|guest|component|site"},
                   {"target", VT::kString, UK::kNone, nullptr,
                    "The host (crash: guest, the guest; crash: component, a network node or a link \"a--b\"; "
                    "crash: site, a site named by hosts' and nodes' `site:`) that fails."},
                   {"repair", VT::kQuantity, UK::kDuration, "never",
                    "crash: host, component or site: it works again this long after it failed (guests of a host wait "
                    "for it unless `ha:` restarts them elsewhere).", 0, true},
               },
               R"(failures:
  - {at: 60s, crash: host-os, target: ct-host-0}
  - {at: 90s, crash: guest, target: app3-vm}
  - {at: 2min, crash: component, target: san-fabric-a, repair: 10min}
  - {at: 1h, crash: site, target: east, repair: 8h}
)"});
  s.push_back({"replication", "each item of `replications:`",
               "A storage device (a NAS or SAN array) copied to a replica, usually at another site, for disaster "
               "recovery. `sync`: each write also goes to the replica before it completes (writes wait for the "
               "round trip; nothing is lost). `async`: every `interval` the bytes written since the last shipment "
               "go over as one flow. `backup`: every `interval` a full copy of the device goes over, and recovery "
               "restores it first. When the original goes down, the data written after the replica's last "
               "consistent point is lost (RPO); after `activation`, every guest whose disk was there boots again "
               "on a host that reaches the replica (RTO: until the last of them runs).",
               {
                   {"name", VT::kString, UK::kNone, "\"<from>-><to>\"", "Name shown in the report."},
                   {"from", VT::kString, UK::kNone, nullptr, "The original device (nas or array node)."},
                   {"to", VT::kString, UK::kNone, nullptr,
                    "The replica device (nas or array node); the network must link the two."},
                   {"mode", VT::kChoice, UK::kNone, nullptr, "How the replica is kept up to date.", -1e300, false,
                    "sync|async|backup"},
                   {"interval", VT::kQuantity, UK::kDuration, "5min",
                    "async: time between shipments; backup: time between full copies.", 0, true},
                   {"activation", VT::kQuantity, UK::kDuration, "0",
                    "Time from losing the original to starting guests at the replica (noticing, deciding).", 0},
                   {"restore", VT::kQuantity, UK::kByteRate, "none",
                    "backup: rate at which a backup is restored before guests can start.", 0, true},
               },
               R"(replications:
  - {from: nas-east, to: nas-west, mode: async, interval: 5min, activation: 10min}
)"});
  s.push_back({"layer", "each item of an `images:` entry",
               "One layer of an image. Containers on the same host that use the same layer store it once; each "
               "VM stores its whole image.",
               {
                   {"layer", VT::kString, UK::kNone, nullptr, "Name of the layer (shared between images by name)."},
                   {"size", VT::kQuantity, UK::kBytes, nullptr, "Size of the layer.", 0},
               },
               R"(images:
  web:
    - {layer: debian-base, size: 120MiB}
    - {layer: python-runtime, size: 80MiB}
    - {layer: web-app, size: 15MiB}
)"});
  s.push_back({"distribution", "any value marked *random*",
               "A seeded random value, drawn once per use (per guest, per step repetition). Each draw comes from a "
               "stream named after what it is for, so adding a guest never changes the draws of another; "
               "replica i of a named workload draws the same values on whatever guest runs it. "
               "Negative draws are clamped to 0.",
               {
                   {"dist", VT::kChoice, UK::kNone, nullptr, "The distribution.", -1e300, false,
                    "constant|uniform|exponential|normal|lognormal|weibull"},
                   {"value", VT::kQuantity, UK::kNone, "-", "constant: the value (in the unit of the key)."},
                   {"min", VT::kQuantity, UK::kNone, "-", "uniform: lower end."},
                   {"max", VT::kQuantity, UK::kNone, "-", "uniform: upper end (above min)."},
                   {"mean", VT::kQuantity, UK::kNone, "-", "exponential, normal: the mean."},
                   {"stddev", VT::kQuantity, UK::kNone, "-", "normal: standard deviation.", 0},
                   {"mu", VT::kNumber, UK::kNone, "-", "lognormal: mean of the logarithm (of the value in base units)."},
                   {"sigma", VT::kNumber, UK::kNone, "-", "lognormal: std. deviation of the logarithm.", 0},
                   {"shape", VT::kNumber, UK::kNone, "-", "weibull: shape k.", 0, true},
                   {"scale", VT::kQuantity, UK::kNone, "-", "weibull: scale lambda.", 0, true},
               },
               R"(compute: {dist: normal, mean: 1Gf, stddev: 200Mf}
start: {dist: exponential, mean: 30s}
)"});
  s.push_back({"output", "`output:` at the top level",
               "Where and how `vzlab run` writes results; command-line options override these.",
               {
                   {"format", VT::kChoice, UK::kNone, "table", "What `vzlab run` prints.", -1e300, false,
                    "table|csv|json"},
                   {"dir", VT::kString, UK::kNone, "none", "Folder for CSV files (like --out)."},
                   {"trace", VT::kString, UK::kNone, "none", "Chrome/Perfetto trace file (like --trace)."},
               },
               R"(output:
  format: json
  dir: results/
  trace: trace.json
)"});
  s.push_back({"calibration", "a calibration profile file (`vzlab run --calibration FILE`)",
               "Costs of the virtualization mechanisms. Every key is optional; a missing key keeps the built-in "
               "default, taken from published measurements (sources: docs/calibration.md).",
               {
                   {"version", VT::kInteger, UK::kNone, "1", "Profile format version; must be 1.", 1},
                   {"machine", VT::kString, UK::kNone, "\"\"", "Where the numbers were measured (free text)."},
                   {"nested", VT::kChoice, UK::kNone, "false",
                    "The hosts are themselves VMs: exits and hypercalls cost nested_exit_factor more.", -1e300, false,
                    "true|false"},
                   {"nested_exit_factor", VT::kNumber, UK::kNone, "10", "Exit cost nested / bare metal.", 1},
                   {"syscall", VT::kQuantity, UK::kDuration, "100ns", "One system call on the host kernel.", 0},
                   {"exit", VT::kQuantity, UK::kDuration, "1.5us",
                    "Hardware-assisted VM exit handled in the kernel, round trip.", 0},
                   {"user_exit_extra", VT::kQuantity, UK::kDuration, "4us",
                    "Extra when a user-space VMM handles the exit (device emulation).", 0},
                   {"bt_privileged", VT::kQuantity, UK::kDuration, "500ns",
                    "A privileged instruction under binary translation.", 0},
                   {"bt_syscall", VT::kQuantity, UK::kDuration, "1us", "A system call of a binary-translated guest.", 0},
                   {"hypercall", VT::kQuantity, UK::kDuration, "1.5us", "One hypercall (paravirtualization).", 0},
                   {"pv_privileged_batch", VT::kNumber, UK::kNone, "8",
                    "Privileged operations a para guest batches into one hypercall.", 1},
                   {"emulated_exits_per_io", VT::kNumber, UK::kNone, "4",
                    "Device register accesses (exits) per emulated I/O request.", 0},
                   {"emulation_cpu_per_io", VT::kQuantity, UK::kDuration, "10us",
                    "Host CPU the VMM burns emulating one device request.", 0},
                   {"pv_ring_per_io", VT::kQuantity, UK::kDuration, "500ns",
                    "Guest CPU to place one request on a paravirtual ring.", 0},
                   {"pv_backend_cpu_per_io", VT::kQuantity, UK::kDuration, "2us",
                    "Host CPU of the paravirtual back end per request.", 0},
                   {"pv_batch", VT::kNumber, UK::kNone, "16", "Requests per ring notification.", 1},
                   {"pv_notify", VT::kQuantity, UK::kDuration, "1.5us",
                    "One ring notification: a doorbell exit the hypervisor answers in its kernel (KVM's ioeventfd).",
                    0},
                   {"native_io_cpu", VT::kQuantity, UK::kDuration, "2us", "Kernel CPU to submit one I/O request.", 0},
                   {"page_fault", VT::kQuantity, UK::kDuration, "1us", "A minor page fault handled by a kernel.", 0},
                   {"first_touch_exit", VT::kQuantity, UK::kDuration, "1.5us",
                    "A hardware-assisted VM's first touch of a page: the nested-paging exit in which the hypervisor "
                    "backs it with host memory (on top of the guest's own fault).", 0},
                   {"shadow_fault", VT::kQuantity, UK::kDuration, "4us",
                    "Extra per fault under shadow page tables (binary translation).", 0},
                   {"type2_exit_factor", VT::kNumber, UK::kNone, "2",
                    "A hosted VMM's world switch / a bare-metal one.", 1},
                   {"type2_io_extra_cpu", VT::kQuantity, UK::kDuration, "5us",
                    "Host-OS CPU per I/O request on the hosted path.", 0},
                   {"type2_host_os_share", VT::kNumber, UK::kNone, "0.05",
                    "Share of a type-2 host's CPU its host OS keeps.", 0},
                   {"vm_os_memory", VT::kQuantity, UK::kBytes, "512MiB", "RAM of a VM's own guest OS.", 0},
                   {"vmm_memory_overhead", VT::kQuantity, UK::kBytes, "32MiB",
                    "Per-VM memory of the VMM process and its tables.", 0},
                   {"container_memory_overhead", VT::kQuantity, UK::kBytes, "4MiB",
                    "Per-container memory of the runtime and cgroup.", 0},
                   {"vm_boot", VT::kQuantity, UK::kDuration, "20s", "Firmware, kernel and init of a VM.", 0},
                   {"container_start", VT::kQuantity, UK::kDuration, "500ms",
                    "Namespaces, cgroup and first process of a container.", 0},
                   {"native_start", VT::kQuantity, UK::kDuration, "10ms", "Starting a process on the host OS.", 0},
                   {"swap_slowdown", VT::kNumber, UK::kNone, "10",
                    "On a swapping host, each compute step also waits this x memory overcommit x its CPU time.", 0},
               },
               R"(version: 1
machine: "AMD EPYC, KVM guest (nested), measured by vzlab calibrate"
nested: true
exit: 1.2us
syscall: 80ns
)"});
  return s;
}

const char* type_label(const KeySpec& k) {
  switch (k.type) {
    case VT::kString: return "text";
    case VT::kTemplate: return "name template";
    case VT::kInteger: return "integer";
    case VT::kNumber: return "number";
    case VT::kQuantity: return "quantity";
    case VT::kRandom: return "quantity or random";
    case VT::kChoice: return "choice";
    case VT::kList: return "list";
    case VT::kMap: return "map";
    case VT::kNamedLists: return "map of lists";
  }
  return "?";
}

}  // namespace

const std::vector<SectionSpec>& schema() {
  static const std::vector<SectionSpec> s = make_schema();
  return s;
}

const SectionSpec& section(std::string_view name) {
  for (const SectionSpec& s : schema())
    if (name == s.name) return s;
  assert(false && "unknown schema section");
  return schema().front();
}

const KeySpec* find_key(const SectionSpec& s, std::string_view key) {
  for (const KeySpec& k : s.keys)
    if (key == k.name) return &k;
  return nullptr;
}

std::string schema_markdown() {
  std::ostringstream out;
  out << "# Scenario file format (version " << kSchemaVersion << ")\n\n"
      << "<!-- Generated by `vzlab schema`; a test checks this file against the code. Do not edit by hand. -->\n\n"
      << "A scenario is a YAML file. Every key below is checked when the file is loaded: an unknown key, a "
         "value of the wrong type, a reference to something that does not exist or an impossible value is an "
         "error naming the file, line, column and key (`vzlab validate FILE` checks a file without running it).\n\n"
      << "Quantities take a number in the base unit or a number with a unit: durations (`s`, `ms`, `us`, `ns`, "
         "`min`, `h`, `d`), amounts of work (`f`/`flop` with `k`, `M`, `G`, `T`, `P`), CPU speeds (the same, "
         "`/s` optional) and sizes (`B` with decimal or `Ki`, `Mi`, `Gi`, `Ti` prefixes).\n\n"
      << "Name templates: in a `name`, `host` or `group` of an item with `count: N`, `{...}` is an integer "
         "expression of the replica index `i` (0 .. N-1) with `+ - * / %` and parentheses (nested at most "
      << kMaxTemplateNesting
      << " deep, minus signs included), optionally zero-padded: `{i:03}`. Example: `host: h{i/8}` puts replicas "
         "0-7 on h0, 8-15 on h1. Inside a one-line `{ ... }` map, YAML needs the template quoted: `{name: \"vm-{i}\", count: 4}`.\n\n";
  for (const SectionSpec& s : schema()) {
    out << "## `" << s.name << "` — " << s.where << "\n\n" << s.description << "\n\n";
    out << "| key | type | unit | default | allowed | description |\n|---|---|---|---|---|---|\n";
    for (const KeySpec& k : s.keys) {
      std::string allowed;
      if (k.type == VT::kChoice) {
        allowed = k.choices;
        for (auto& c : allowed)
          if (c == '|') c = ',';
      } else if (k.min > -1e299) {
        allowed = (k.min_exclusive ? "> " : ">= ") + limit_text(k.min);
      }
      if (k.max < 1e299) allowed += (allowed.empty() ? "<= " : ", <= ") + limit_text(k.max);
      if (*k.child) allowed = std::string("items: `") + k.child + "`";
      std::string def = k.default_value ? k.default_value : "**required**";
      std::string desc = k.description;
      if (*k.note) desc += std::string(" (") + k.note + ")";
      out << "| `" << k.name << "` | " << type_label(k) << " | " << (k.unit == UK::kNone ? "" : base_unit(k.unit))
          << " | " << def << " | " << allowed << " | " << desc << " |\n";
    }
    out << "\nExample:\n\n```yaml\n" << s.example << "```\n\n";
  }
  out << "## Limits\n\n"
      << "Besides the range of each key (the *allowed* column), a scenario is refused before it is expanded when "
         "its counts, repeats and aliases multiply out past these totals, so that a small file can neither "
         "exhaust memory nor run for ever:\n\n"
      << "| total | at most |\n|---|---|\n"
      << "| YAML values in the file, each alias (`*name`) counted as a copy of what it names | "
      << limit_text(kMaxYamlValues) << " |\n"
      << "| hosts, network nodes and links, guests and processes (every `count` multiplied out) | "
      << limit_text(kMaxElements) << " |\n"
      << "| steps kept in memory (each process keeps its own copy) | " << limit_text(kMaxStepCopies) << " |\n"
      << "| amounts drawn at load for random steps (one per step and repetition) | "
      << limit_text(kMaxDrawnAmounts) << " |\n"
      << "| executions of steps that take no time (every amount 0), repeats included | "
      << limit_text(kMaxInstantSteps) << " |\n"
      << "| periodic work over the run: network samples, checkpoints, mirrors' heartbeats, manager rounds, health "
         "checks, shipments and service requests, each counted as run length / interval (the run length is `until`, "
         "or without it an estimate from the guests' work). Network samples thin out in a long run (past "
      << limit_text(static_cast<double>(Network::kSampleBudget) / 4)
      << " kept they merge in pairs and their interval doubles), so n of them count as "
      << limit_text(static_cast<double>(Network::kSampleBudget) / 4)
      << " × (1 + log2(n / " << limit_text(static_cast<double>(Network::kSampleBudget) / 4)
      << ") / 2): a 10⁶-hour run sampled every second passes | "
      << limit_text(kMaxPeriodic) << " |\n\n"
      << "Every text is valid UTF-8 without NUL or other control characters (a `description` may also hold tabs "
         "and line breaks).\n";
  return out.str();
}

}  // namespace vzlab::hv::scenario
