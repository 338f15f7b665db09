# Sourced by the bench scripts: each owns one section of docs/benchmarks.md, between
# "<!-- begin NAME -->" and "<!-- end NAME -->", and replaces only that section, so one
# benchmark can be re-run without losing the others' results.

# bench_write_section FILE NAME: the section NAME of FILE becomes standard input.
bench_write_section() {
  local file=$1 name=$2 body tmp
  body=$(cat)
  mkdir -p "$(dirname "$file")"
  [ -f "$file" ] || printf '# Benchmarks\n\nRun on demand; each section says how it was made, on which machine and when.\n' > "$file"
  tmp=$(mktemp "$file.XXXXXX")
  BODY=$body awk -v name="$name" '
    $0 == "<!-- begin " name " -->" { skip = 1; print; print ENVIRON["BODY"]; found = 1; next }
    $0 == "<!-- end " name " -->" { skip = 0 }
    !skip { print }
    END { if (!found) { print ""; print "<!-- begin " name " -->"; print ENVIRON["BODY"]; print "<!-- end " name " -->" } }
  ' "$file" > "$tmp"
  mv "$tmp" "$file"
}

# bench_machine: Markdown bullets naming the machine.
bench_machine() {
  echo "- CPU: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1), $(nproc) CPUs usable"
  echo "- Memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "- Kernel: $(uname -sr); file system of the data: $(df -T "${1:-.}" | awk 'NR == 2 { print $2 }')"
}
