/* Guest workloads, compiled twice from this one source: freestanding into
 * the guest binary, and into the host as the native baseline. Each returns a
 * checksum so a run can be checked against the native one.
 *
 * The only thing that differs is how the program talks to the outside:
 * VZ_PORT_OUT / VZ_CPUID are real instructions in the guest and no-ops (or
 * the native instruction) on the host. */
#ifndef VZLAB_GUEST_WORKLOADS_H
#define VZLAB_GUEST_WORKLOADS_H

#include <stdint.h>

/* Ports of the VMM's devices. */
#define VZ_PORT_CONSOLE 0xE9u /* one byte of text per write */
#define VZ_PORT_RESULT 0xF0u  /* 32-bit writes: low word, then high word of the result */
#define VZ_PORT_DEVICE 0xF8u  /* the emulated device: one user-space exit per write */
#define VZ_PORT_DOORBELL 0xFCu /* the paravirtual device's doorbell: one notification per batch */

/* The paravirtual ring: requests the guest places for the host to consume. */
#define VZ_RING_ADDR 0x9000u
#define VZ_RING_SIZE 256u
/* Memory the memory-touching workload walks, page by page, from here. */
#define VZ_TOUCH_BASE 0x200000u

/* Which workload a guest runs: the host writes it at this guest address. */
#define VZ_PARAM_ADDR 0x8000u
/* The script a VZ_SCRIPT guest runs (struct vz_script), placed by the host. */
#define VZ_SCRIPT_ADDR 0xA000u
#define VZ_SCRIPT_MAX_OPS 64u

enum vz_workload {
  VZ_CPU = 1,     /* integer mixing, no exits */
  VZ_PORT_IO = 2, /* one port write per operation: a user-space exit each */
  VZ_CPUID = 3,   /* one cpuid per operation: an exit handled inside KVM */
  VZ_PV_IO = 4,   /* requests on a shared ring, one doorbell write per batch */
  VZ_MEMORY = 5,  /* first touch of `iterations` pages from VZ_TOUCH_BASE */
  VZ_SCRIPT = 7,  /* the operations of the struct vz_script at VZ_SCRIPT_ADDR */
  /* Hostile guests, for the VMM's tests: each must be stopped cleanly. */
  VZ_HOSTILE_OUT_OF_BOUNDS = 100, /* writes past the end of its memory */
  VZ_HOSTILE_LOOP = 101,          /* never ends */
  VZ_HOSTILE_FAULT = 102,         /* an invalid instruction with no handler: a triple fault */
  VZ_HOSTILE_PORT = 103,          /* writes to a port with no device */
  VZ_HOSTILE_CONSOLE_FLOOD = 104, /* writes without end to the console */
};

struct vz_params {
  uint64_t workload;
  uint64_t iterations;
  uint64_t batch; /* VZ_PV_IO: requests per doorbell */
};

struct vz_ring {
  volatile uint64_t produced; /* requests placed so far */
  volatile uint64_t slots[VZ_RING_SIZE];
};

/* The CPU-bound kernel: a xorshift-multiply chain the compiler cannot fold. */
static inline uint64_t vz_cpu_kernel(uint64_t iterations) {
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (uint64_t i = 0; i < iterations; ++i) {
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= i;
  }
  return x;
}

/* `steps` more rounds of the CPU kernel's mixing, continuing from x. */
static inline uint64_t vz_cpu_steps(uint64_t x, uint64_t first, uint64_t steps) {
  for (uint64_t i = first; i < first + steps; ++i) {
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= i;
  }
  return x;
}

/* Operations of a script: how a simulated workload step is done for real. */
enum vz_op_kind {
  VZ_OP_CPU = 1,     /* `count` steps of the CPU kernel */
  VZ_OP_TRAP = 2,    /* `count` trapped instructions (cpuid: an exit handled inside KVM) */
  VZ_OP_DEVICE = 3,  /* `count` writes to the emulated device (user-space exits) */
  VZ_OP_PV = 4,      /* `count` requests on the paravirtual ring, a doorbell every `arg` */
  VZ_OP_TOUCH = 5,   /* first touch of `count` new pages */
  VZ_OP_SYSCALL = 6, /* `count` system calls (host processes only: our guest has no kernel) */
};

struct vz_op {
  uint64_t kind;
  uint64_t count;
  uint64_t arg;
};

/* `rounds` times, every operation in order. */
struct vz_script {
  uint64_t rounds;
  uint64_t ops;
  struct vz_op op[VZ_SCRIPT_MAX_OPS];
};

/* How a script reaches the outside: real instructions in the guest, host
 * equivalents (or nothing) natively. */
struct vz_env {
  void (*trap)(void);
  void (*device)(uint32_t value);
  void (*doorbell)(uint32_t produced);
  void (*syscall)(void);
  volatile struct vz_ring* ring;
  volatile uint8_t* touch;       /* fresh memory, page after page */
  uint64_t touch_pages;          /* how many pages it has */
};

/* Pages a script touches in all. */
static inline uint64_t vz_script_pages(const volatile struct vz_script* s) {
  uint64_t pages = 0;
  for (uint64_t k = 0; k < s->ops && k < VZ_SCRIPT_MAX_OPS; ++k)
    if (s->op[k].kind == VZ_OP_TOUCH) pages += s->op[k].count;
  return pages * s->rounds;
}

/* Runs a script; the checksum depends only on the script, never on where it
 * ran. Returns ~0 for a script it cannot run (an unknown operation, or more
 * pages than it was given). */
static inline uint64_t vz_run_script(const volatile struct vz_script* s, const struct vz_env* env) {
  if (s->ops > VZ_SCRIPT_MAX_OPS || vz_script_pages(s) > env->touch_pages) return ~0ull;
  uint64_t x = 0x9e3779b97f4a7c15ull, steps = 0, page = 0, requests = 0, sum = 0;
  for (uint64_t r = 0; r < s->rounds; ++r) {
    for (uint64_t k = 0; k < s->ops; ++k) {
      const uint64_t n = s->op[k].count;
      switch (s->op[k].kind) {
        case VZ_OP_CPU:
          x = vz_cpu_steps(x, steps, n);
          steps += n;
          break;
        case VZ_OP_TRAP:
          for (uint64_t i = 0; i < n; ++i) env->trap();
          sum += n;
          break;
        case VZ_OP_DEVICE:
          for (uint64_t i = 0; i < n; ++i) env->device((uint32_t)i);
          sum += n;
          break;
        case VZ_OP_PV: {
          const uint64_t batch = s->op[k].arg ? s->op[k].arg : 1;
          for (uint64_t i = 0; i < n; ++i) {
            env->ring->slots[requests % VZ_RING_SIZE] = requests;
            env->ring->produced = ++requests;
            if ((i + 1) % batch == 0 || i + 1 == n) env->doorbell((uint32_t)requests);
          }
          break;
        }
        case VZ_OP_TOUCH:
          for (uint64_t i = 0; i < n; ++i, ++page) {
            volatile uint64_t* p = (volatile uint64_t*)(env->touch + page * 4096u);
            *p = page;
            sum += *p;
          }
          break;
        case VZ_OP_SYSCALL:
          for (uint64_t i = 0; i < n; ++i) env->syscall();
          sum += n;
          break;
        default:
          return ~0ull;
      }
    }
  }
  return x ^ (sum * 0x2545f4914f6cdd1dull) ^ requests;
}

#endif
