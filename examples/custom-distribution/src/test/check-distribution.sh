#!/usr/bin/env bash
# Checks an assembled custom distribution: unpacks the tar.gz into a temporary folder, checks its
# layout, and runs its bin/xmesh to see which plugins it finds and where from.
set -euo pipefail
tarball=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tar -xzf "$tarball" -C "$work"
home=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -1)
fail() { echo "check-distribution: $*" >&2; exit 1; }

[ -x "$home/bin/xmesh" ]                               || fail "bin/xmesh missing or not executable"
ls "$home"/lib/proxy-bootstrap-*.jar   >/dev/null 2>&1 || fail "lib/ has no proxy-bootstrap jar"
ls "$home"/lib/codec-dubbo-*.jar       >/dev/null 2>&1 || fail "lib/ has no codec-dubbo jar"
ls "$home"/lib/codec-http-*.jar        >/dev/null 2>&1 && fail "lib/ still has codec-http"
ls "$home"/plugins/xrpc/xrpc-codec-*.jar >/dev/null 2>&1 || fail "plugins/xrpc/ has no xrpc-codec jar"
ls "$home"/lib/xrpc-codec-*.jar        >/dev/null 2>&1 && fail "xrpc-codec must not be in lib/"

out=$(cd "$home" && ./bin/xmesh plugins 2>&1) || fail "bin/xmesh plugins failed: $out"
echo "$out"
grep -Eq '^protocol +dubbo ' <<<"$out"                  || fail "dubbo protocol not listed"
grep -Eq '^protocol +xrpc .*plugins/xrpc/xrpc-codec' <<<"$out" || fail "xrpc not listed from plugins/xrpc/"
grep -Eq '^protocol +http ' <<<"$out"                   && fail "http protocol is listed but was left out"
val=$("$home/bin/xmesh" validate -c "$home/conf/xmesh.yaml" 2>&1) || fail "conf/xmesh.yaml does not validate: $val"
echo "$val"
printf 'listeners:\n  - name: web\n    port: 8080\n    protocols: [http]\n' > "$work/http.yaml"
if bad=$("$home/bin/xmesh" validate -c "$work/http.yaml" 2>&1); then fail "a config using http validated: $bad"; fi
grep -q "http" <<<"$bad" || fail "validate did not name the missing http protocol: $bad"
echo "check-distribution: OK ($(basename "$tarball"))"
