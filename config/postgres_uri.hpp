#pragma once
// A PostgreSQL URI (postgresql://user@host/db?...) must carry no password: a password
// belongs in a secret file, as every secret. The config's storage.database and
// `nbsync db copy --to` refuse one with the same check, never repeating the URI (it would
// print the password).
#include <string>
#include <string_view>

namespace nbsync {

// What is wrong with `uri`: "the PostgreSQL URI carries a password" (user:PASSWORD@host)
// or "... a password parameter" (?password=); empty when it carries none. Never contains
// the URI. Callers add where the password goes instead.
std::string postgres_uri_password_problem(std::string_view uri);

}  // namespace nbsync
