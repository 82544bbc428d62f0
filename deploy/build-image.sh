#!/usr/bin/env bash
# Builds the container image tagged with the package version (the tag deploy/universe/resource.json
# and deploy/marathon.json name) and, with --push, pushes it.
#   deploy/build-image.sh [--push]           IMAGE_REPO=registry.example.com/team/mesos-autoscaler to publish elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p "require('./package.json').version")
repo=${IMAGE_REPO:-mesos-autoscaler/mesos-autoscaler}
image="$repo:$version"
docker build -f deploy/Dockerfile -t "$image" .
echo "built $image"
if [[ "${1:-}" == "--push" ]]; then
  docker push "$image"
  echo "pushed $image"
fi
