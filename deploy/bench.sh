#!/usr/bin/env bash
# `make bench`: start the test-profile Kafka and PostgreSQL, run every
# benchmark under bench/ (each prints its figures and its baselines), stop.
set -euo pipefail
cd "$(dirname "$0")/.."
trap 'python3 deploy/local/infra.py down --profile test' EXIT
python3 deploy/local/infra.py up --profile test
eval "$(python3 deploy/local/infra.py env --profile test)"
.venv/bin/python deploy/local/topics.py --bootstrap "$TANGGAP_KAFKA_BOOTSTRAP"
for script in bench/*.py; do
  echo "== $script"
  .venv/bin/python "$script"
done
