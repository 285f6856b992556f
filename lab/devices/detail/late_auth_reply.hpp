#pragma once
// Answers an SSH login request some time after it arrived (issue 17: the AAA server's
// delay). libssh frees an ssh_message as soon as the message callback returns, and its
// replies without a message (ssh_auth_reply_success/_default) are not exported; but the
// two public replies used here read nothing of the message except its session and its
// type, the first two members of libssh's struct ssh_message_struct (0.9 and 0.10: see
// src/messages.c and src/server.c). So a zeroed stand-in with those two members set does.
#include <libssh/libssh.h>

namespace nbsync::lab::detail {

// The password of a password login request. libssh deprecates this getter in favour of
// auth_password_function, which must answer at once: the late answer needs the message.
const char* login_password(ssh_message message);
// The key of a public-key login request and whether its signature is there and valid
// (SSH_PUBLICKEY_STATE_*): deprecated likewise in favour of auth_pubkey_function.
ssh_key login_public_key(ssh_message message);
int login_public_key_state(ssh_message message);

// Sends USERAUTH_SUCCESS (`accept`) or USERAUTH_FAILURE with the session's methods.
int reply_to_login_later(ssh_session session, bool accept);

}  // namespace nbsync::lab::detail
