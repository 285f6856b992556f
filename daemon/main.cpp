#include "daemon/cli.hpp"

int main(int argc, char** argv) {
  return nbsync::daemon::run_cli(argc, argv);
}
