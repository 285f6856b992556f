#pragma once
// The nbsync command line: one register_* per subcommand declares its options (CLI11) and
// what running it does; run_cli parses argv, runs the subcommand given, and turns a
// UserError into one line on stderr and its exit code (types/user_error.hpp, README).
namespace nbsync::cli {

int run_cli(int argc, char** argv);

}  // namespace nbsync::cli
