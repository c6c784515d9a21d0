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

enum vz_workload {
  VZ_CPU = 1,     /* integer mixing, no exits */
  VZ_PORT_IO = 2, /* one port write per operation: a user-space exit each */
  VZ_CPUID = 3,   /* one cpuid per operation: an exit handled inside KVM */
  VZ_PV_IO = 4,   /* requests on a shared ring, one doorbell write per batch */
  VZ_MEMORY = 5,  /* first touch of `iterations` pages from VZ_TOUCH_BASE */
  VZ_MIXED = 6,   /* `iterations` times: `batch` CPU-kernel steps, one device write, one cpuid */
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

#endif
