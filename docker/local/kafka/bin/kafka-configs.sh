#!/bin/sh
# kafka-configs.sh, as in the official image: the tool from the broker's jars
exec java -Xmx256m -cp '/opt/kafka/libs/*' kafka.admin.ConfigCommand "$@"
