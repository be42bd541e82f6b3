FROM alpine:3.22 AS app
RUN --mount=from=later,target=/mnt true

FROM alpine:3.22 AS later
