#!/bin/sh
# Runs before `npm test`: the tools the tests run for real, each a Debian package (npm's packages of them
# download a binary at install time, which offline machines cannot):
# - shellcheck lints the generated apply.sh and its static body;
# - kubectl (the real client) reads phase folders in the differential test against a stand-in API server.
missing=''
for tool in shellcheck kubectl; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing$missing (Debian packages) for the tests" >&2
  # shellcheck disable=SC2086 # one word per package
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null && exit 0
fi
echo "the tests need$missing: install them (apt-get install$missing, or brew install$missing) and run npm test again" >&2
exit 1
