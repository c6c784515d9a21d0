// Command-line numbers of the benchmarks (vmfarm, flows and the flows'
// SimGrid twin): each is a whole number in a range, or the program ends with
// one line and status 2.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace vzlab::bench {

/// Argument i (fallback when absent), an integer from lo to hi.
inline long integer_arg(const char* program, int argc, char** argv, int i, long fallback, long lo, long hi) {
  if (argc <= i) return fallback;
  char* end = nullptr;
  const long v = std::strtol(argv[i], &end, 10);
  if (*end != '\0' || v < lo || v > hi) {
    std::fprintf(stderr, "%s: argument %d must be an integer from %ld to %ld, got '%s'\n", program, i, lo, hi, argv[i]);
    std::exit(2);
  }
  return v;
}

}  // namespace vzlab::bench
