#pragma once
// A command-line argument that does not fit the database or the expected form (unknown
// device, version that does not exist, unreadable time). Its message is the whole line
// the user sees; run_cli prints it and exits 2.
#include <stdexcept>

namespace nbsync::daemon {

class InputError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

}  // namespace nbsync::daemon
