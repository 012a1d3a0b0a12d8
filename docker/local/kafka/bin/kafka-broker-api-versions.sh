#!/bin/sh
# kafka-broker-api-versions.sh, as in the official image: the tool from the broker's jars
exec java -Xmx256m -cp '/opt/kafka/libs/*' org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
