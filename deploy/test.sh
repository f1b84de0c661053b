#!/usr/bin/env bash
# `make test`: install what is missing, start a test Kafka and PostgreSQL on
# their own ports (so a running `make up` is left alone), run the whole suite,
# and stop them again whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 deploy/local/infra.py install
./deploy/python-env.sh
./web/build.sh
trap 'python3 deploy/local/infra.py down --profile test' EXIT
python3 deploy/local/infra.py up --profile test
eval "$(python3 deploy/local/infra.py env --profile test)"
.venv/bin/python deploy/local/topics.py --bootstrap "$TANGGAP_KAFKA_BOOTSTRAP"
started=$(date +%s)
if [ $# -gt 0 ]; then
  .venv/bin/pytest "$@"
else
  # Browser tests drive chromium through Playwright's sync API, which holds an
  # event loop of its own: they run in their own process, after the rest. Tests
  # that stop and restart the broker run last, so no other test sees the outage.
  .venv/bin/pytest -m "not kafka_restart and not browser"
  .venv/bin/pytest -m "browser and not kafka_restart"
  .venv/bin/pytest -m kafka_restart || [ $? -eq 5 ]  # 5: none selected
fi
echo "suite took $(( $(date +%s) - started ))s"
