#include "lab/devices/detail/late_auth_reply.hpp"

#include <libssh/server.h>

namespace nbsync::lab::detail {
namespace {

// The head of libssh's struct ssh_message_struct, then room for the rest of it, zeroed.
struct MessageStandIn {
  ssh_session session = nullptr;
  int type = 0;
  alignas(16) unsigned char rest[4096] = {};
};

}  // namespace

const char* login_password(ssh_message message) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  return ssh_message_auth_password(message);
#pragma GCC diagnostic pop
}

ssh_key login_public_key(ssh_message message) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  return ssh_message_auth_pubkey(message);
#pragma GCC diagnostic pop
}

int login_public_key_state(ssh_message message) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  return ssh_message_auth_publickey_state(message);
#pragma GCC diagnostic pop
}

int reply_to_login_later(ssh_session session, bool accept) {
  MessageStandIn message;
  message.session = session;
  message.type = SSH_REQUEST_AUTH;
  auto* as_message = reinterpret_cast<ssh_message>(&message);
  return accept ? ssh_message_auth_reply_success(as_message, 0) : ssh_message_reply_default(as_message);
}

}  // namespace nbsync::lab::detail
