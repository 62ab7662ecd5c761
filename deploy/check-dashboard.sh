#!/bin/sh
# Checks grafana-dashboard.json: that it is JSON, and that every PromQL
# expression in it (the panels' targets and the variables' queries) names
# memscope-exporter's metrics only. Needs jq, sed and grep.
#   sh check-dashboard.sh [grafana-dashboard.json]
set -eu
f=${1:-$(dirname "$0")/grafana-dashboard.json}

jq . "$f" >/dev/null || { echo "$f: not JSON" >&2; exit 1; }

allowed='
memscope_group_resident_bytes memscope_group_proportional_bytes
memscope_group_unique_bytes memscope_group_swap_bytes
memscope_group_virtual_bytes memscope_group_processes
memscope_group_unreadable_processes
memscope_class_resident_bytes memscope_class_proportional_bytes
memscope_class_unique_bytes memscope_class_swap_bytes
memscope_process_resident_bytes memscope_process_proportional_bytes
memscope_process_unique_bytes memscope_process_swap_bytes
memscope_kernel_memory_total_bytes memscope_kernel_memory_bytes
memscope_kernel_free_blocks memscope_kernel_slab_bytes
memscope_kernel_slab_reclaimable_bytes memscope_kernel_slab_cache_bytes
memscope_kernel_vmalloc_bytes memscope_kernel_pagetype_free_blocks
memscope_exporter_build_info memscope_exporter_scrape_duration_seconds
memscope_exporter_processes_scanned memscope_exporter_read_errors_total
memscope_exporter_config_last_reload_successful
memscope_exporter_config_last_reload_success_timestamp_seconds
'

# Every expression, one a line: targets' expr, and query variables' query
# (a string, or an object with .query).
exprs=$(jq -r '
  [ (.. | objects | select(has("expr")) | .expr),
    (.templating.list[] | select(.type == "query") | .query
       | if type == "object" then .query else . end) ]
  | .[] | gsub("\n"; " ")' "$f")
[ -n "$exprs" ] || { echo "$f: no expression found" >&2; exit 1; }

# What is left of an expression once strings, label matchers, ranges,
# label lists, Grafana variables, numbers and durations, function names and
# keywords are taken out: its metric names.
names=$(printf '%s\n' "$exprs" | sed -E \
  -e 's/"([^"\\]|\\.)*"//g' \
  -e 's/\{[^}]*\}//g' \
  -e 's/\[[^]]*\]//g' \
  -e 's/(^|[^A-Za-z0-9_:])(by|without|on|ignoring|group_left|group_right)[[:space:]]*\([^)]*\)/\1/g' \
  -e 's/label_values\(([^,)]*),[^)]*\)/\1/g' \
  -e 's/\$\{[^}]*\}//g' -e 's/\$[A-Za-z_][A-Za-z0-9_]*//g' \
  -e 's/(^|[^A-Za-z0-9_:])[0-9][0-9.]*([eE][+-]?[0-9]+)?[smhdwy]*/\1/g' \
  -e 's/[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\(/(/g' \
  -e 's/(^|[^A-Za-z0-9_:])(bool|and|or|unless|offset|atan2|group_left|group_right)([^A-Za-z0-9_:]|$)/\1\3/g' \
  | grep -oE '[A-Za-z_:][A-Za-z0-9_:]*' | sort -u)

bad=0
for n in $names; do
  case " $(echo $allowed) " in
    *" $n "*) ;;
    *) echo "$f: not a memscope-exporter metric: $n" >&2; bad=1 ;;
  esac
done
[ "$bad" = 0 ] || exit 1
echo "$f: JSON; $(printf '%s\n' "$exprs" | wc -l) expressions, metrics used:"
printf '  %s\n' $names
