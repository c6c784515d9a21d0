/* Entry of every guest program: read the parameters the host placed in
 * memory, run the workload, report its result on the result port, halt. */
#include "workloads.h"

static inline void out8(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void out32(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline void cpuid0(void) {
  uint32_t a = 0, b, c = 0, d;
  __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
}

static void guest_trap(void) { cpuid0(); }
static void guest_device(uint32_t v) { out32(VZ_PORT_DEVICE, v); }
static void guest_doorbell(uint32_t v) { out32(VZ_PORT_DOORBELL, v); }
static void guest_no_syscall(void) {}

static void puts_console(const char* s) {
  while (*s) out8(VZ_PORT_CONSOLE, (uint8_t)*s++);
}

__attribute__((section(".text.start"), noreturn)) void _start(void) {
  const volatile struct vz_params* p = (const volatile struct vz_params*)(uintptr_t)VZ_PARAM_ADDR;
  const uint64_t n = p->iterations;
  uint64_t result = 0;
  switch (p->workload) {
    case VZ_CPU:
      result = vz_cpu_kernel(n);
      break;
    case VZ_PORT_IO:
      for (uint64_t i = 0; i < n; ++i) out32(VZ_PORT_DEVICE, (uint32_t)i);
      result = n;
      break;
    case VZ_CPUID:
      for (uint64_t i = 0; i < n; ++i) cpuid0();
      result = n;
      break;
    case VZ_PV_IO: {
      volatile struct vz_ring* ring = (volatile struct vz_ring*)(uintptr_t)VZ_RING_ADDR;
      const uint64_t batch = p->batch ? p->batch : 1;
      for (uint64_t i = 0; i < n; ++i) {
        ring->slots[i % VZ_RING_SIZE] = i;
        ring->produced = i + 1;
        if ((i + 1) % batch == 0 || i + 1 == n) out32(VZ_PORT_DOORBELL, (uint32_t)(i + 1));
      }
      result = n;
      break;
    }
    case VZ_MEMORY: {
      uint64_t sum = 0;
      for (uint64_t i = 0; i < n; ++i) {
        volatile uint64_t* page = (volatile uint64_t*)(uintptr_t)(VZ_TOUCH_BASE + i * 4096u);
        *page = i;
        sum += *page;
      }
      result = sum;
      break;
    }
    case VZ_SCRIPT: {
      /* Touchable memory: from VZ_TOUCH_BASE to the end of RAM, which the
       * host tells in `iterations` (bytes of RAM). */
      const struct vz_env env = {guest_trap, guest_device, guest_doorbell, guest_no_syscall,
                                 (volatile struct vz_ring*)(uintptr_t)VZ_RING_ADDR,
                                 (volatile uint8_t*)(uintptr_t)VZ_TOUCH_BASE,
                                 n > VZ_TOUCH_BASE ? (n - VZ_TOUCH_BASE) / 4096u : 0};
      result = vz_run_script((const volatile struct vz_script*)(uintptr_t)VZ_SCRIPT_ADDR, &env);
      break;
    }
    case VZ_HOSTILE_OUT_OF_BOUNDS:
      *(volatile uint64_t*)(uintptr_t)0x20000000u = 42; /* 512 MiB: far past its RAM */
      break;
    case VZ_HOSTILE_LOOP:
      for (;;) {
      }
    case VZ_HOSTILE_FAULT:
      __asm__ volatile("ud2");
      break;
    case VZ_HOSTILE_PORT:
      out32(0x80, 1);
      break;
    case VZ_HOSTILE_CONSOLE_FLOOD:
      for (;;) puts_console("flood ");
    default:
      puts_console("unknown workload\n");
      result = ~0ull;
  }
  /* The second word ends the run: the VMM stops the vCPU there. */
  out32(VZ_PORT_RESULT, (uint32_t)result);
  out32(VZ_PORT_RESULT, (uint32_t)(result >> 32));
  for (;;) {
  }
}
