#!/usr/bin/env bash
# Installs what the tests need, once: from Debian (when root and missing) nix-bin, whose
# nix-instantiate the manifest is checked against and whose nix-store our store exchanges
# closures with, chromium, ripgrep, and openssh-server and iproute2 for test hosts; and code-server with
# its native modules built, under .cache/code-server, for the end-to-end test in a real VS Code. Kerberos (proxy sign-in) is not built: it needs headers the tests never use.
set -euo pipefail
cd "$(dirname "$0")/.."
CS_VERSION=4.100.3   # the last code-server whose VS Code runs on Node 20
dir=.cache/code-server
stamp="$dir/.installed-$CS_VERSION"

if [ "$(id -u)" = 0 ] && { ! command -v chromium >/dev/null || ! command -v rg >/dev/null || ! command -v nix-instantiate >/dev/null || ! [ -x /usr/sbin/sshd ] || ! command -v ip >/dev/null; }; then
  echo "test setup: installing chromium, ripgrep, nix-bin, openssh-server and iproute2 from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium ripgrep nix-bin openssh-server iproute2 >/dev/null
fi

[ -f "$stamp" ] && exit 0
echo "test setup: installing code-server $CS_VERSION into $dir (a few minutes, once)"
mkdir -p "$dir"
(cd "$dir" && [ -f package.json ] || echo '{"private":true}' > package.json)
(cd "$dir" && npm install --no-audit --no-fund --ignore-scripts "code-server@$CS_VERSION" >/dev/null)
vscode="$dir/node_modules/code-server/lib/vscode"
(cd "$vscode" && npm install --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null)
# node-pty's post-install runs `npx node-gyp`, which must not stop to ask.
(cd "$vscode" && npm_config_yes=true npm rebuild node-pty @vscode/spdlog native-watchdog >/dev/null)
mkdir -p "$vscode/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$vscode/node_modules/@vscode/ripgrep/bin/rg"
(cd "$vscode/extensions" && npm install --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null)
(cd "$dir" && npm rebuild argon2 --build-from-source >/dev/null)
touch "$stamp"
echo "test setup: done"
