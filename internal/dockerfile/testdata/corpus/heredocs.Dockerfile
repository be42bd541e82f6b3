# syntax=docker/dockerfile:1
FROM alpine:3.22 AS build
RUN <<EOF
set -e
echo "FROM evil AS trap" > /Dockerfile.txt
mkdir -p /out
EOF
COPY <<-EOT /out/hello.sh
	#!/bin/sh
	echo hello
EOT
RUN <<A cat > /out/a && <<B cat > /out/b
first
A
second
B

FROM scratch
COPY --from=build /out /
