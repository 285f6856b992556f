#pragma once
// The lab's firewall: a classic BPF socket filter (SO_ATTACH_FILTER, no privileges needed)
// on a listening TCP socket that drops every packet whose IPv4 source is not the one
// allowed. A SYN from anywhere else is dropped as a firewall's DROP rule would: no RST, no
// answer; the client's connect() times out. Accepted sockets inherit the filter.
#include <cstdint>

namespace nbsync::lab::detail {

// only_from = 0 removes the filter. Returns false (errno set) when the kernel refuses it.
bool set_source_filter(int listen_fd, std::uint32_t only_from);

}  // namespace nbsync::lab::detail
