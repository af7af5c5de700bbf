#!/bin/sh
# Runs Debian's python3 (which has python3-torch) with jemalloc, keeping freed pages: glibc returns every
# large tensor to the kernel and page faults then dominate a training step (10x slower on this VM).
# Usage: ./python.sh train.py [args...]
JEMALLOC=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
if [ -e "$JEMALLOC" ]; then
  export LD_PRELOAD="$JEMALLOC${LD_PRELOAD:+:$LD_PRELOAD}"
  export MALLOC_CONF="dirty_decay_ms:-1,muzzy_decay_ms:-1"
else
  echo "python.sh: $JEMALLOC not found (apt-get install -y libjemalloc2); training will be much slower" >&2
fi
# Idle OpenMP threads sleep instead of spinning: the cores are shared, and spinning starves the other thread.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
exec /usr/bin/python3 "$@"
