#!/bin/sh
# Vonage Cloud Runtime's build step (vcr.yml `build-script`): install exactly what the lockfile
# says, build the Functions and the Node host, then drop the build and test tools the running
# instance never loads.
set -eu
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
npm run build
npm prune --omit=dev --no-audit --no-fund
