#pragma once
// NetBox's token check of a request's Authorization header, as each emulated release does
// it (shared/netbox/API-NOTES.md, section 1): `Token <v1 token>` everywhere; from 4.5 also
// v2 tokens (`nbt_<key>.<token>`) with either keyword, `Bearer` or `Token`, the token's
// version taken from its prefix, and the refusal naming it ("Invalid v2 token"). Before
// 4.5 a `Bearer` header is ignored: the request is anonymous. v1 tokens still work on 4.7
// (NetBox removes them in 5.0). Every refusal is NetBox's 403 {"detail": ...}.
#include <string>

#include "lab/netbox_release.hpp"
#include "lab/netbox_tokens.hpp"

namespace nbsync::lab {

struct AuthResult {
  const LabUser* user = nullptr;  // null: refused
  std::string refusal;            // NetBox's detail text when refused
};

AuthResult authenticate(const std::string& authorization, const LabTokens& tokens, const NetboxRelease& release);

// Whether `token` is a v2 token's plaintext (nbt_<key>.<token>).
bool is_v2_token(const std::string& token);

}  // namespace nbsync::lab
