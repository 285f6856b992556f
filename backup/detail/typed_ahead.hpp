#pragma once
// What a shell printed for commands typed ahead in one write, told apart by the prompts
// in it: the device runs them in order, and prints its prompt followed by the echo of the
// next one between two outputs. Pure: the same text always splits the same way.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nbsync::backup::detail {

// `transcript` is what the shell printed from the moment `commands` (then `exit`) were
// typed at `prompt`: it starts with the echo of the first command. Returns, for each
// command answered whole, what it printed from its echo up to the line where the prompt
// came back (as the step-by-step dialogue reads it: strip_echo_and_prompt applies), in
// order. A command is answered whole when the prompt follows its output, with the echo of
// the next command (or of `exit` after the last), or as the transcript's unfinished last
// line (the device waits there: it dropped the typed-ahead input, or `exit` was eaten
// by a pager). Fewer outputs than commands: the rest did not (yet) run.
std::vector<std::string_view> split_typed_ahead(std::string_view transcript, std::string_view prompt,
                                                const std::vector<std::string>& commands, std::string_view exit);

}  // namespace nbsync::backup::detail
