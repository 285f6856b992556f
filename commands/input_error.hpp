#pragma once
// A command-line argument that does not fit the database or the expected form (unknown
// device, version that does not exist, unreadable time). Its message is the whole line
// the user sees; run_cli prints it and exits 2.
#include <stdexcept>
#include <string>
#include "types/user_error.hpp"

namespace nbsync::commands {

class InputError : public UserError {
public:
  explicit InputError(const std::string& message) : UserError(message, k_exit_usage) {}
};

}  // namespace nbsync::commands
