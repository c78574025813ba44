#!/usr/bin/env bash
# Run the web app and the scheduler together for local use; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
FLASK=".venv/bin/flask --app wsgi"
# Production is the default ALERTS_ENV (it refuses to start without real secrets); this script is for local use.
export ALERTS_ENV="${ALERTS_ENV:-development}"
# `make run PORT=5400` (or PORT=5400 ./scripts/run-dev.sh): the app follows PORT, and so does BASE_URL when unset.
export PORT="${PORT:-5000}"
ADDRESS="http://127.0.0.1:${PORT}"

# The council profile COUNCIL selects (default dorset), for the message below.
read -r COUNCIL_NAME EXAMPLE_POSTCODE < <(.venv/bin/python -c "import os
from config.council import council_id_from_environment, load_council
c = load_council(council_id_from_environment(os.environ.get('COUNCIL')))
print(c.name.replace(' ', '_'), c.example_postcode.replace(' ', '%20'))")
COUNCIL_NAME="${COUNCIL_NAME//_/ }"

$FLASK scheduler &
scheduler_pid=$!
trap 'kill "$scheduler_pid" 2>/dev/null; wait "$scheduler_pid" 2>/dev/null' EXIT INT TERM

cat <<MESSAGE

  Service disruption alerts for ${COUNCIL_NAME} are running.

    Residents:  ${ADDRESS}/
    Try:        ${ADDRESS}/notices?postcode=${EXAMPLE_POSTCODE}
    Staff:      ${ADDRESS}/staff/sign-in
    Open data:  ${ADDRESS}/api/v1/notices
    Health:     ${ADDRESS}/healthz
$(if [ -n "${BASE_URL:-}" ] && [ "${BASE_URL%/}" != "$ADDRESS" ]; then echo "
  Links in messages point at BASE_URL=${BASE_URL}, not at this address."; fi)

  Staff sign-in details (demo accounts):
$(sed 's/^/    /' instance/demo-staff.txt 2>/dev/null || echo "    (already created earlier: see instance/demo-staff.txt)")

  $(if [ -n "${NOTIFY_API_KEY:-}" ]; then echo "Sending through GOV.UK Notify at ${NOTIFY_BASE_URL:-https://api.notifications.service.gov.uk}."; else echo "No NOTIFY_API_KEY is set, so messages are kept in the local outbox and nothing is sent."; fi)
  Press Ctrl-C to stop.

MESSAGE
$FLASK run --host 127.0.0.1 --port "$PORT"
