#!/usr/bin/env bash
# The Debian mirror this machine's apt already uses, so a machine behind its own mirror or proxy
# needs no extra setting (sourced by scripts/images.sh). Nothing here names a package host.
#
# apt_source_entries : one "URI SUITE" line per enabled `deb` source, in apt's order, from
#   $BERTH_APT_ETC/sources.list and sources.list.d/*.list (one-line format) and
#   sources.list.d/*.sources (deb822). BERTH_APT_ETC defaults to /etc/apt (tests point it elsewhere).
# debian_mirror SUITE : the mirror for SUITE: BERTH_DEBIAN_MIRROR, else the source that serves SUITE,
#   else one whose path ends in /debian. Fails (status 1) when there is none.
# debian_security_mirror SUITE : BERTH_DEBIAN_SECURITY_MIRROR, else the source serving SUITE-security
#   (empty when there is none: the image then lists no security source).

apt_source_entries() {
  local etc=${BERTH_APT_ETC:-/etc/apt} files=() f
  [[ -f "$etc/sources.list" ]] && files+=("$etc/sources.list")
  for f in "$etc"/sources.list.d/*.list "$etc"/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
  done
  [[ ${#files[@]} -gt 0 ]] || return 0
  local file
  for file in "${files[@]}"; do
    if [[ "$file" == *.sources ]]; then
      # deb822: paragraphs of "Field: value" (continuation lines start with a space); a paragraph
      # may list several types, URIs and suites, and may be switched off with Enabled: no.
      awk '
        function flush(   nt, nu, ns, t, u, s, i, j, isdeb) {
          if (types != "" && enabled != "no") {
            nt = split(types, t, /[ \t]+/); isdeb = 0
            for (i = 1; i <= nt; i++) if (t[i] == "deb") isdeb = 1
            if (isdeb) {
              nu = split(uris, u, /[ \t]+/); ns = split(suites, s, /[ \t]+/)
              for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) if (u[i] != "" && s[j] != "") print u[i], s[j]
            }
          }
          types = ""; uris = ""; suites = ""; enabled = ""; field = ""
        }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        /^[ \t]/ { if (field == "uris") uris = uris " " $0; else if (field == "suites") suites = suites " " $0; next }
        {
          name = tolower(substr($0, 1, index($0, ":") - 1)); value = substr($0, index($0, ":") + 1)
          gsub(/^[ \t]+|[ \t]+$/, "", value); field = name
          if (name == "types") types = value
          else if (name == "uris") uris = value
          else if (name == "suites") suites = value
          else if (name == "enabled") enabled = tolower(value)
        }
        END { flush() }
      ' "$file"
    else
      # One-line format: deb [options] URI SUITE COMPONENT...
      awk '
        { sub(/#.*/, "") }
        $1 != "deb" { next }
        {
          i = 2
          if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
          if (i + 1 <= NF) print $i, $(i + 1)
        }
      ' "$file"
    fi
  done
}

# Only mirrors apt could fetch a Debian archive from (not cdrom:, mirror+file:, …).
apt_http_entries() { apt_source_entries | awk '$1 ~ /^(https?|ftp|file):/ { sub(/\/+$/, "", $1); print }'; }

debian_mirror() {
  local suite=$1 found
  if [[ -n "${BERTH_DEBIAN_MIRROR:-}" ]]; then printf '%s\n' "$BERTH_DEBIAN_MIRROR"; return 0; fi
  found=$(apt_http_entries | awk -v s="$suite" '$2 == s { print $1; exit }')
  [[ -n "$found" ]] || found=$(apt_http_entries | awk '$1 ~ /\/debian$/ { print $1; exit }')
  [[ -n "$found" ]] || return 1
  printf '%s\n' "$found"
}

debian_security_mirror() {
  local suite=$1
  if [[ -n "${BERTH_DEBIAN_SECURITY_MIRROR:-}" ]]; then printf '%s\n' "$BERTH_DEBIAN_SECURITY_MIRROR"; return 0; fi
  apt_http_entries | awk -v s="$suite-security" '$2 == s { print $1; exit }'
}
