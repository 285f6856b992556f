#include "http/redact.hpp"

#include <gtest/gtest.h>

namespace nbsync::http {
namespace {

TEST(RedactUrl, HidesUserinfoAndSecretParameters) {
  EXPECT_EQ(redact_url("https://user:pa55@netbox.example.com/api/?limit=5"),
            "https://REDACTED@netbox.example.com/api/?limit=5");
  EXPECT_EQ(redact_url("http://h/api/?token=abc&limit=5&api_key=zz"),
            "http://h/api/?token=REDACTED&limit=5&api_key=REDACTED");
}

TEST(RedactUrl, LeavesOrdinaryUrlsAlone) {
  EXPECT_EQ(redact_url("http://127.0.0.1:8000/api/dcim/devices/?offset=50&limit=50"),
            "http://127.0.0.1:8000/api/dcim/devices/?offset=50&limit=50");
  EXPECT_EQ(redact_url("http://h/a@b"), "http://h/a@b");  // an @ in the path is not userinfo
}

}  // namespace
}  // namespace nbsync::http
