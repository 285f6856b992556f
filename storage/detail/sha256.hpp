#pragma once
// SHA-256 of a byte string as 64 lowercase hex digits (OpenSSL EVP). The hash names a
// config's content everywhere in storage/: equal text, equal hash, one blob.
#include <string>
#include <string_view>

namespace nbsync::storage::detail {

std::string sha256_hex(std::string_view data);

}  // namespace nbsync::storage::detail
