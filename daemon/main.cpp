#include <malloc.h>

#include "daemon/cli.hpp"

int main(int argc, char** argv) {
  // Worker threads would each get a malloc arena that keeps freed config buffers; two
  // arenas keep nbsync's memory at its working set, whatever the fleet size.
  mallopt(M_ARENA_MAX, 2);
  return nbsync::daemon::run_cli(argc, argv);
}
