#pragma once
// The nbsync command line: parses argv with CLI11, dispatches to a subcommand, and turns
// setup errors into one line on stderr. Returns the process exit code: 0 success, 1 a
// check failed (compliance), 2 usage, configuration or setup error.
namespace nbsync::daemon {

int run_cli(int argc, char** argv);

}  // namespace nbsync::daemon
