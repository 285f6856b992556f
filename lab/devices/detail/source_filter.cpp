#include "lab/devices/detail/source_filter.hpp"

#include <linux/filter.h>
#include <sys/socket.h>

#include <cerrno>
#include <iterator>

namespace nbsync::lab::detail {

bool set_source_filter(int listen_fd, std::uint32_t only_from) {
  if (only_from == 0) {
    const int unused = 0;
    return ::setsockopt(listen_fd, SOL_SOCKET, SO_DETACH_FILTER, &unused, sizeof unused) == 0 || errno == ENOENT;
  }
  // Loads through SKF_NET_OFF read the IP header (the filter sees TCP segments); a word load
  // gives the address in host byte order. Offset 12 of an IPv4 header is its source.
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, static_cast<std::uint32_t>(SKF_NET_OFF + 12)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, only_from, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0xffffffffU),  // keep the whole packet
      BPF_STMT(BPF_RET | BPF_K, 0),            // drop it
  };
  sock_fprog program{static_cast<unsigned short>(std::size(code)), code};
  return ::setsockopt(listen_fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) == 0;
}

}  // namespace nbsync::lab::detail
