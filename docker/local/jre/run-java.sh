#!/bin/sh
# What the default base image's run-java.sh does for this project: run the application jar with
# the options the Dockerfile sets, as PID 1's child-free replacement (exec), so that
# `docker stop` reaches the JVM.
set -e
exec java ${JAVA_OPTS:-} ${JAVA_OPTS_APPEND:-} -jar "${JAVA_APP_JAR:-/deployments/quarkus-run.jar}" "$@"
