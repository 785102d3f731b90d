#!/usr/bin/env bash
# install-registry-ca.sh — make a host outside Kubernetes (CI runner, VM) trust the registry's CA.
#
# Writes, for containerd:  /etc/containerd/certs.d/<host>/ca.crt and hosts.toml
#            for docker:      /etc/docker/certs.d/<host>/ca.crt
# The hosts.toml is byte-for-byte what the NodeTrust DaemonSet writes on Kubernetes nodes.
# The CA comes from a file or from the stack output `caBundlePem`. It is validated with openssl first
# (certificates only, parseable, not expired); nothing is written when validation fails. Files are
# replaced atomically and only when their content changes, so running the script again is a no-op.
#
# Exit status: 0 done (or nothing to do), 64 usage error, 65 invalid CA input, 69 missing tool,
# 73 cannot write, 1 anything else.
set -euo pipefail

readonly PROG="${0##*/}"
readonly CONTAINERD_DIR="/etc/containerd/certs.d"
readonly DOCKER_DIR="/etc/docker/certs.d"

usage() {
  cat <<EOF
usage: $PROG --host <registry-host> (--ca-file <path> | --stack <stack>) [options]

  --host <host[:port]>   registry host name as image references use it (e.g. registry.example.com)
  --ca-file <path>       CA bundle (PEM certificates); '-' reads standard input
  --stack <stack>        read the bundle with: pulumi stack output caBundlePem --stack <stack>
  --cwd <dir>            directory of the Pulumi project for --stack (default: current directory)
  --runtime <name>       containerd, docker or both (default: both)
  --root <dir>           write below this directory instead of / (tests, image builds)
  --restart              restart the runtime(s) whose files changed (systemctl); containerd and docker
                         read certs.d on each connection, so this is rarely needed
  -h, --help             show this help
EOF
}

die() { # <status> <message>
  echo "$PROG: error: $2" >&2
  exit "$1"
}
usage_error() {
  echo "$PROG: error: $1" >&2
  usage >&2
  exit 64
}
say() { echo "$PROG: $*"; }

host="" ca_file="" stack="" cwd="" runtime="both" root="" restart=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --restart) restart=1; shift; continue ;;
    --host | --ca-file | --stack | --cwd | --runtime | --root)
      [ "$#" -ge 2 ] && [ -n "$2" ] || usage_error "$1 needs a value"
      case "$1" in
        --host) host="$2" ;;
        --ca-file) ca_file="$2" ;;
        --stack) stack="$2" ;;
        --cwd) cwd="$2" ;;
        --runtime) runtime="$2" ;;
        --root) root="$2" ;;
      esac
      shift 2 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done

[ -n "$host" ] || usage_error "--host is required"
# Ports 1-65535 without a leading zero, as NodeTrust's check (isRegistryHostName) takes them.
host_re='^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:[1-9][0-9]{0,4})?$'
port="${host##*:}"
[[ "$host" =~ $host_re ]] && [ "${#host}" -le 259 ] && { [ "$port" = "$host" ] || [ "$port" -le 65535 ]; } ||
  usage_error "--host: found '$host'; allowed: a lowercase DNS name, optionally :port (1-65535)"
if [ -n "$ca_file" ] && [ -n "$stack" ]; then usage_error "give either --ca-file or --stack, not both"; fi
[ -n "$ca_file" ] || [ -n "$stack" ] || usage_error "one of --ca-file or --stack is required"
case "$runtime" in
  containerd | docker | both) ;;
  *) usage_error "--runtime: found '$runtime'; allowed: containerd, docker, both" ;;
esac
if [ -n "$root" ]; then
  [ -d "$root" ] || usage_error "--root: '$root' is not a directory"
  root="$(cd "$root" && pwd)"
  [ "$root" != "/" ] || root=""
fi

command -v openssl >/dev/null 2>&1 || die 69 "openssl is required to validate the CA (install the openssl package)"

work="$(mktemp -d "${TMPDIR:-/tmp}/install-registry-ca.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# 1. Fetch the bundle.
input="$work/input.pem"
if [ -n "$stack" ]; then
  command -v pulumi >/dev/null 2>&1 || die 69 "the pulumi CLI is required for --stack (or export the bundle and use --ca-file)"
  pulumi_args=(stack output caBundlePem --stack "$stack")
  [ -z "$cwd" ] || pulumi_args+=(--cwd "$cwd")
  pulumi "${pulumi_args[@]}" >"$input" 2>"$work/pulumi.err" ||
    die 1 "pulumi stack output caBundlePem --stack $stack failed: $(head -c 500 "$work/pulumi.err")"
  source_desc="stack $stack"
elif [ "$ca_file" = "-" ]; then
  cat >"$input"
  source_desc="standard input"
else
  [ -f "$ca_file" ] && [ -r "$ca_file" ] || die 65 "--ca-file: cannot read '$ca_file'"
  cat -- "$ca_file" >"$input"
  source_desc="$ca_file"
fi

# 2. Validate: certificates only, each one parseable and unexpired.
if grep -q -- "PRIVATE KEY-----" "$input"; then
  die 65 "$source_desc contains a private key; refusing to install it (give the CA certificate(s) only)"
fi
bundle="$work/bundle.pem"
# The certificate blocks, carriage returns and trailing blanks removed, one file per certificate as well.
awk -v dir="$work" '
  { sub(/\r$/, ""); sub(/[ \t]+$/, "") }
  /^-----BEGIN CERTIFICATE-----$/ { inblock = 1; n++; file = sprintf("%s/cert-%03d.pem", dir, n) }
  inblock { print; print > file }
  /^-----END CERTIFICATE-----$/ { if (inblock) close(file); inblock = 0 }
  END { if (inblock) exit 3 }
' "$input" >"$bundle" || die 65 "$source_desc: a certificate is not terminated by -----END CERTIFICATE-----"
count="$(find "$work" -maxdepth 1 -name 'cert-*.pem' | wc -l | tr -d ' ')"
[ "$count" -gt 0 ] || die 65 "$source_desc contains no PEM certificate (-----BEGIN CERTIFICATE-----)"
for cert in "$work"/cert-*.pem; do
  n="${cert##*/cert-}"
  n="$((10#${n%.pem}))"
  # One openssl run per certificate: subject, expiry, basic constraints, and -checkend 0 (status 1 if expired).
  status=0
  info="$(openssl x509 -in "$cert" -noout -subject -nameopt RFC2253 -enddate -ext basicConstraints \
    -checkend 0 2>/dev/null)" || status=$?
  case "$info" in
    subject=*) ;;
    *) die 65 "$source_desc: certificate $n is not a valid X.509 certificate" ;;
  esac
  subject="$(printf '%s\n' "$info" | sed -n 's/^subject=//p')"
  not_after="$(printf '%s\n' "$info" | sed -n 's/^notAfter=//p')"
  [ "$status" = 0 ] || die 65 "$source_desc: certificate $n ($subject) expired on $not_after"
  case "$info" in
    *"CA:TRUE"*) ;;
    *) echo "$PROG: warning: certificate $n ($subject) is not a CA certificate" >&2 ;;
  esac
  say "certificate $n: $subject (valid until $not_after)"
done

# 3. Install.
render_hosts_toml() { # <host>; must stay identical to renderHostsToml() in components/tls/node-trust.ts
  local url="https://$1" ca="$CONTAINERD_DIR/$1/ca.crt"
  printf '%s\n' \
    "# Written by registry-platform (NodeTrust / install-registry-ca.sh); local changes are overwritten." \
    "server = \"$url\"" \
    "ca = \"$ca\"" \
    "" \
    "[host.\"$url\"]" \
    "  capabilities = [\"pull\", \"resolve\", \"push\"]" \
    "  ca = \"$ca\""
}

changed_containerd=0 changed_docker=0 written=0
install_file() { # <content-file> <destination>; sets $file_changed
  local src="$1" dst="$2" dir tmp
  dir="$(dirname "$dst")"
  file_changed=0
  if [ -f "$dst" ] && cmp -s "$src" "$dst"; then
    say "unchanged: $dst"
    return 0
  fi
  mkdir -p "$dir" 2>/dev/null || die 73 "cannot create $dir (run as root, or use --root)"
  tmp="$(mktemp "$dir/.${dst##*/}.XXXXXX" 2>/dev/null)" || die 73 "cannot write in $dir (run as root, or use --root)"
  cat "$src" >"$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$dst" || {
    rm -f "$tmp"
    die 73 "cannot write $dst"
  }
  say "wrote: $dst"
  file_changed=1
  written=$((written + 1))
}

umask 022
if [ "$runtime" = containerd ] || [ "$runtime" = both ]; then
  render_hosts_toml "$host" >"$work/hosts.toml"
  install_file "$bundle" "$root$CONTAINERD_DIR/$host/ca.crt"
  changed_containerd=$((changed_containerd + file_changed))
  install_file "$work/hosts.toml" "$root$CONTAINERD_DIR/$host/hosts.toml"
  changed_containerd=$((changed_containerd + file_changed))
  cfg="$root/etc/containerd/config.toml"
  if [ -f "$cfg" ] && ! grep -q "config_path" "$cfg"; then
    echo "$PROG: warning: $cfg does not set the CRI registry config_path; containerd 1.x then ignores" \
      "$CONTAINERD_DIR (set config_path = \"$CONTAINERD_DIR\")" >&2
  fi
fi
if [ "$runtime" = docker ] || [ "$runtime" = both ]; then
  install_file "$bundle" "$root$DOCKER_DIR/$host/ca.crt"
  changed_docker=$((changed_docker + file_changed))
fi

if command -v sha256sum >/dev/null 2>&1; then
  sha="$(sha256sum "$bundle" | cut -d' ' -f1)"
else
  sha="$(openssl dgst -sha256 -r "$bundle" | cut -d' ' -f1)"
fi
if [ "$written" = 0 ]; then
  say "unchanged: the CA for $host is already installed (sha256 $sha); nothing to do"
else
  say "installed the CA for $host from $source_desc ($count certificate(s), sha256 $sha)"
fi

# 4. Optional restart of what changed.
if [ "$restart" = 1 ]; then
  for unit in containerd docker; do
    var="changed_$unit"
    [ "${!var}" -gt 0 ] || continue
    if [ -n "$root" ]; then
      say "not restarting $unit: --root is set"
    elif command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$unit"; then
      say "restarting $unit"
      systemctl restart "$unit" || die 1 "systemctl restart $unit failed"
    else
      say "not restarting $unit: it is not an active systemd unit here"
    fi
  done
fi
