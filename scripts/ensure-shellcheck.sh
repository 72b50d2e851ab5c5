#!/bin/sh
# Runs before `npm test`: the apply.sh tests lint the generated script with shellcheck, a Debian
# package (npm's shellcheck packages download a binary at install time, which offline machines cannot).
command -v shellcheck >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing shellcheck (Debian package) for the apply.sh tests" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null && exit 0
fi
echo "the tests need shellcheck: install it (apt-get install shellcheck, or brew install shellcheck) and run npm test again" >&2
exit 1
